#pragma once

// What ws_server checks in an opening handshake beyond websocketpp's own
// parser: RFC 6455 §4.2.1 (a 16-byte key, version 13) and headers free of
// control characters. Plain code, no websocketpp.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace temblor::connectors::ws {

/// The answer to a request that must be refused (status 0: accept it).
struct upgrade_refusal {
  int status = 0;        ///< 400 (bad request) or 426 (upgrade required)
  std::string reason;    ///< for the debug log and the response body
  bool offer_version_13 = false; ///< add `Sec-WebSocket-Version: 13` (§4.4)
};

using header_list = std::vector<std::pair<std::string_view, std::string_view>>;

/// Checks the request's headers (name, value): a version other than 13 is
/// 426 with the version we speak; a key that is not base64 of 16 bytes, or a
/// NUL or other control character in any header, is 400.
upgrade_refusal check_upgrade_request(const header_list& headers);

/// Whether `key` is the base64 encoding of exactly 16 bytes (§4.1: 24
/// characters ending in "==").
bool valid_websocket_key(std::string_view key);

} // namespace temblor::connectors::ws
