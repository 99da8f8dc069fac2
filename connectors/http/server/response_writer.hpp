#pragma once

// Writes HTTP/1.1 responses onto a connection's output buffer: the status
// line, the handler's headers (checked, so a value with a line break cannot
// split the response), and the framing headers, which only the server sets.
// http_parser reads but does not write; this is the small writing half.

#include <cstdint>
#include <string>
#include <string_view>

#include "connectors/http/server/request.hpp"

namespace temblor::connectors::http {

/// How the body of a response is delimited on the wire.
enum class body_framing {
  length,      ///< `content-length`
  chunked,     ///< `transfer-encoding: chunked`, then chunks and a last chunk
  none,        ///< no body by definition (1xx, 204, 304, a HEAD request)
  until_close, ///< streamed to an HTTP/1.0 client, which knows no chunks: the close ends it
};

/// What the `connection` header says.
enum class connection_token {
  none,       ///< HTTP/1.1 keep-alive is the default
  keep_alive, ///< an HTTP/1.0 client asked to keep the connection
  close,      ///< the connection ends after this response
};

/// Whether a response with `status` may carry a body (not 1xx, 204, 304).
bool status_allows_body(unsigned status);

/// Returns the reason phrase of `status` ("Not Found"), or "Unknown".
std::string_view reason_phrase(unsigned status);

/// Whether a header may be written as given: a token name, and a value
/// without CR, LF or NUL.
bool valid_header(const http_header& h);

/// Whether the handler's header is one the server writes itself
/// (`content-length`, `transfer-encoding`, `connection`, `date`), and so is
/// skipped when given.
bool framing_header(std::string_view name);

/// Appends the head of a response: status line, `date`, the valid
/// non-framing `headers`, the framing for `framing` (`content-length:
/// body_length` or `transfer-encoding: chunked`), the `connection` header
/// and the blank line. Returns how many of `headers` were dropped as invalid.
size_t append_response_head(std::string& out, unsigned status, const http_headers& headers,
                            body_framing framing, uint64_t body_length,
                            connection_token connection);

/// Appends one chunk of a chunked body (nothing for empty data: an empty
/// chunk would end the body).
void append_chunk(std::string& out, std::string_view data);
/// Appends the last chunk that ends a chunked body.
void append_last_chunk(std::string& out);

/// Returns the current `date` header value (RFC 9110 IMF-fixdate), cached per second.
std::string_view http_date();

} // namespace temblor::connectors::http
