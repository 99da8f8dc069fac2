#pragma once

// One request and its answer. The server makes an exchange per request and
// hands it to the request handler; the handler answers it at once or later,
// with one response or a chunked stream. Responses leave the connection in
// request order whatever order the handler answers in (pipelining).
//
// Threading: an exchange belongs to its server's event loop; call its
// methods there (server::post from other threads). The handler may keep it
// as long as it likes: once the connection is gone, answers are refused.

#include <cstdint>
#include <memory>
#include <string>

#include "connectors/http/server/request.hpp"

namespace temblor::connectors::http {

class connection;

class exchange {
public:
  /// Made by the connection when a request is complete.
  exchange(std::weak_ptr<connection> conn, http_request request, bool tls);
  exchange(const exchange&) = delete;
  exchange& operator=(const exchange&) = delete;

  const http_request& request() const { return request_; }
  /// The request, for a handler that moves its body out.
  http_request& request() { return request_; }
  /// Whether the request came over TLS.
  bool tls() const { return tls_; }

  // -- answering ----------------------------------------------------------------

  /// Sends a whole response with `content-length` framing (no body for HEAD,
  /// 1xx, 204, 304). Returns false, sending nothing, when the exchange was
  /// answered already or its connection is gone.
  bool respond(unsigned status, http_headers headers, std::string body);

  /// Starts a chunked response; send_chunk() adds to it, end_chunked()
  /// ends it. Same false as respond().
  bool begin_chunked(unsigned status, http_headers headers);
  bool send_chunk(std::string_view data);
  bool end_chunked();

  /// Whether respond() or begin_chunked() was called.
  bool answered() const { return phase_ != phase::waiting; }
  /// Whether the whole response was handed to the connection.
  bool finished() const { return phase_ == phase::done; }
  /// Whether an answer can still reach the client.
  bool connection_open() const;

private:
  friend class connection;
  enum class phase { waiting, streaming, done };

  std::weak_ptr<connection> conn_;
  http_request request_;
  bool tls_;
  phase phase_ = phase::waiting;
  bool close_after_ = false;   ///< the connection ends after this response
  bool until_close_ = false;   ///< an HTTP/1.0 stream: raw chunks, then close
  bool no_body_ = false;       ///< a stream whose chunks are dropped (HEAD, 204, 304)
  std::string out_;            ///< bytes the connection has not taken yet
};

} // namespace temblor::connectors::http
