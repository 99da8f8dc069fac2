#pragma once

// One HTTP/1.1 request as the server library hands it to a request handler:
// what the parser read, with the body complete.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace temblor::connectors::http {

/// One header line; the server lower-cases request header names (they are
/// case-insensitive), response headers keep the case they were given.
struct http_header {
  std::string name;
  std::string value;
};

using http_headers = std::vector<http_header>;

/// Returns the first value of header `name` (compared case-insensitively),
/// or nullptr.
const std::string* find_header(const http_headers& headers, std::string_view name);

/// Compares ASCII strings case-insensitively (header names, tokens).
bool iequals(std::string_view a, std::string_view b);

struct http_request {
  std::string method; ///< "GET", "POST", …
  std::string target; ///< the request target as sent: "/path?query"
  unsigned version_major = 1;
  unsigned version_minor = 1;
  http_headers headers; ///< names lower-cased, in arrival order
  std::string body;     ///< the whole body, de-chunked
  bool keep_alive = true; ///< the connection may carry another request
  bool chunked = false;   ///< the body came with `transfer-encoding: chunked`

  const std::string* header(std::string_view name) const { return find_header(headers, name); }
  /// Returns "HTTP/1.1" (or the version the client spoke).
  std::string version() const;
};

} // namespace temblor::connectors::http
