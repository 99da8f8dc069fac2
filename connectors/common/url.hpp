#pragma once

// URLs as network connectors take them: `host:port`, `ws://host:port/path`,
// `[::1]:80` (Tremor's Url with a default scheme).

#include <cstdint>
#include <string>
#include <string_view>

namespace temblor::connectors::common {

struct url {
  std::string scheme; ///< lower-case; the default scheme when the text had none
  std::string host;   ///< without IPv6 brackets
  uint16_t port = 0;  ///< the given port, else the scheme's default
  bool has_port = false;
  std::string path = "/"; ///< path and query, never empty

  /// Returns `host:port` with brackets around IPv6 hosts.
  std::string authority() const;
};

/// Parses `text`; `default_scheme` applies when the text has no `scheme://`.
/// Default ports: 443 for wss/https, 80 for ws/http, else 0. Returns false
/// with `err` for an empty host, a bad port or a stray character.
bool parse_url(std::string_view text, std::string_view default_scheme, url& out,
               std::string& err);

} // namespace temblor::connectors::common
