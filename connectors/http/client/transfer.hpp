#pragma once

// One HTTP request on a libcurl easy handle: the options for a
// request_spec (method, body, headers, TLS, auth, timeouts) and the
// response gathered with a size bound. Reused for later requests; the
// connection it used stays in the multi handle's cache (keep-alive).

#include <curl/curl.h>

#include <string>

#include "connectors/http/client/request_spec.hpp"

namespace temblor::connectors::http {

struct transfer_result {
  bool ok = false;     ///< a response arrived (any status)
  std::string error;   ///< why not, when !ok
  long status = 0;
  std::string version; ///< "HTTP/1.1"
  http_headers headers;
  std::string body;
};

class transfer {
public:
  transfer();
  ~transfer();
  transfer(const transfer&) = delete;
  transfer& operator=(const transfer&) = delete;

  /// Sets the handle up for `spec` (only its body when the last request
  /// had the same method, url and headers); false with `err` (a URL curl
  /// refuses).
  bool prepare(request_spec spec, const client_settings& s, std::string& err);

  CURL* handle() const { return easy_; }
  const request_spec& spec() const { return spec_; }

  /// Reads the outcome once curl finished the transfer with `code`.
  void complete(CURLcode code, transfer_result& out);

private:
  static size_t on_header(char* data, size_t size, size_t n, void* self);
  static size_t on_body(char* data, size_t size, size_t n, void* self);
  static size_t on_read(char* data, size_t size, size_t n, void* self);

  CURL* easy_ = nullptr;
  curl_slist* header_list_ = nullptr;
  curl_slist* connect_to_ = nullptr; ///< `tls.domain`'s CONNECT_TO entry
  request_spec spec_;
  std::string tls_note_; ///< which CAs were trusted, for verification errors
  char error_buf_[CURL_ERROR_SIZE] = {};
  size_t read_pos_ = 0;
  uint64_t max_body_ = 0;
  bool too_large_ = false;
  bool ready_ = false; ///< the handle is set up for spec_'s shape (same_shape)
  transfer_result result_;
};

} // namespace temblor::connectors::http
