#pragma once

// ws_client: one outgoing WebSocket connection (optionally TLS); what the
// server sends arrives as stream 0, events written to `in` are sent to it.

#include <string>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/tls.hpp"
#include "connectors/common/url.hpp"
#include "connectors/connector.hpp"
#include "connectors/ws/limits.hpp"

namespace temblor::connectors::ws {

/// The validated `config` of a ws_client.
struct ws_client_config {
  common::url url;               ///< the server; the port is required
  common::tls_client_config tls; ///< `true` or `{cafile, domain, cert, key}`
  common::socket_options socket; ///< TCP_NODELAY (others only matter to servers)
  ws_limits limits;

  /// Reads and checks `config`; `err` names the offending key.
  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `ws_client`.
const connector_descriptor& ws_client_descriptor();

} // namespace temblor::connectors::ws
