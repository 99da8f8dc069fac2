#pragma once

// What http_client sends for one event, decided on the actor's thread from
// the connector's settings and the event (`$http_client.request`
// overrides, the payload encoded for its content type). Plain data: the
// transfer on the event loop only carries it out.

#include <chrono>
#include <cstdint>
#include <string>

#include "connectors/common/tls.hpp"
#include "connectors/http/body_codecs.hpp"
#include "connectors/http/server/request.hpp"
#include "runtime/core/event.hpp"

namespace temblor::connectors::http {

/// `auth`: "none", {"basic": {"username", "password"}}, {"bearer": "token"}.
struct client_auth {
  enum class kind { none, basic, bearer } type = kind::none;
  std::string username;
  std::string password;
  std::string token;

  bool parse(const value& auth, std::string& err);
};

/// The validated `config` of an http_client.
struct client_settings {
  std::string url = "http://localhost:80";
  std::string method = "POST";
  http_headers headers;
  std::chrono::milliseconds timeout{30000};
  size_t concurrency = 4;
  common::tls_client_config tls;
  client_auth auth;
  uint64_t max_response_bytes = 16 * 1024 * 1024;
  value mime_mapping;

  bool parse(const value& config, std::string& err);
};

struct request_spec {
  uint64_t request_id = 0;
  std::string method;
  std::string url;
  http_headers headers; ///< as sent, content type included
  std::string body;
  bool has_body = false;
  bool chunked = false; ///< `transfer-encoding: chunked` was asked for
  // for the reply event and the contraflow
  event_id id;
  bool transactional = false;
  value correlation; ///< `$correlation`, copied to the reply
};

/// Checks an http(s) URL; false with `err`.
bool valid_http_url(const std::string& url, std::string& err);
/// Checks an HTTP method token.
bool valid_method(const std::string& method);

/// Fills `out` for `ev`: method, url and headers from `$http_client.request`
/// over `s`; the payload (unless null) encoded by the codec of the content
/// type (the `*/*` one, announced, when none is given). False with `err`
/// when an override is malformed or the payload does not encode.
bool build_request(const client_settings& s, body_codecs& codecs, const event& ev,
                   request_spec& out, std::string& err);

} // namespace temblor::connectors::http
