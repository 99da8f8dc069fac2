#pragma once

// ws_server: accepts WebSocket connections (optionally TLS); each connection
// is a stream of the source, and the sink writes replies back to them.

#include <cstdint>
#include <string>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/tls.hpp"
#include "connectors/common/url.hpp"
#include "connectors/connector.hpp"
#include "connectors/ws/limits.hpp"

namespace temblor::connectors::ws {

/// The validated `config` of a ws_server.
struct ws_server_config {
  common::url url;                ///< where to listen (`host:port`, ws://, wss://)
  common::tls_server_config tls;  ///< TLS is on only when `tls` is given
  uint64_t backlog = 128;         ///< listen(2) backlog
  common::socket_options socket;  ///< SO_REUSEADDR/SO_REUSEPORT/TCP_NODELAY
  /// Connections (in their handshake or open) beyond which new ones are refused.
  uint64_t max_connections = 16384;
  /// A connection silent this long is pinged at half, closed at full (0: never).
  uint64_t idle_timeout_ms = 60000;
  ws_limits limits;

  /// Reads and checks `config`; `err` names the offending key.
  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `ws_server`.
const connector_descriptor& ws_server_descriptor();

} // namespace temblor::connectors::ws
