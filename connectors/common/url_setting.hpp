#pragma once

// The `url` key every network connector reads the same way: required, parsed
// with the connector's default scheme, errors prefixed with "`url`: ".

#include <string>
#include <string_view>

#include "connectors/common/url.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors::common {

/// Reads and parses `config.url`; `default_scheme` applies when it has none.
bool read_url(const value& config, std::string_view default_scheme, url& out, std::string& err);

/// Whether a client takes port 0 (udp_client refuses it at load; tcp and ws
/// clients only fail when they dial it).
enum class zero_port { allowed, refused };

/// As read_url, for a client, which must be told the port: the error names
/// the text and `connector` ("`url`: `host` has no port; tcp_client needs one").
bool read_url_with_port(const value& config, std::string_view default_scheme,
                        std::string_view connector, url& out, std::string& err,
                        zero_port zero = zero_port::allowed);

} // namespace temblor::connectors::common
