#pragma once

// What one HTTP server lets its clients use: the numbers that keep a
// slow, broken or hostile client from holding the server or its memory.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace temblor::connectors::http {

/// Bounds of one request, checked while it is parsed.
struct request_limits {
  /// Request line plus headers, in bytes; over it: 431.
  size_t max_header_bytes = 16 * 1024;
  /// Header lines; over it: 431.
  size_t max_header_count = 100;
  /// The body, de-chunked; over it: 413.
  uint64_t max_body_bytes = 16 * 1024 * 1024;
};

/// Bounds of the whole server.
struct server_limits {
  request_limits request;
  /// Open connections; one more is accepted and closed at once (counted, logged).
  size_t max_connections = 1024;
  /// Bytes of partially received bodies, all connections together; a body
  /// that does not fit is answered 413 (counted).
  uint64_t body_budget_bytes = 256 * 1024 * 1024;
  /// A keep-alive connection with nothing to do is closed after this.
  std::chrono::milliseconds idle_timeout{60000};
  /// From the first byte of a request to the end of its headers; over it:
  /// 408 (a slowloris client trickling headers is cut off here).
  std::chrono::milliseconds header_timeout{10000};
  /// From the end of the headers to the end of the body; over it: 408.
  std::chrono::milliseconds body_timeout{60000};
  /// The TLS handshake of a new connection; over it the connection closes.
  std::chrono::milliseconds tls_handshake_timeout{10000};
  /// Requests read ahead of their responses on one connection (pipelining);
  /// the server stops reading that connection until responses catch up.
  size_t max_pipelined = 32;
  /// Response bytes waiting for a client that does not read; over it the
  /// connection is closed (counted as a slow consumer).
  size_t max_response_buffer_bytes = 8 * 1024 * 1024;
};

} // namespace temblor::connectors::http
