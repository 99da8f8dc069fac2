#pragma once

// tcp_server: accepts TCP connections (optionally TLS); each connection is
// a stream of the source with its own preprocessor and codec state, and the
// sink writes replies back to the connection they came from.

#include <cstdint>
#include <string>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/stream_settings.hpp"
#include "connectors/common/tls.hpp"
#include "connectors/common/url.hpp"
#include "connectors/connector.hpp"

namespace temblor::connectors::tcp {

/// The validated `config` of a tcp_server.
struct tcp_server_config {
  common::url url;                ///< where to listen (`host:port`; port 4242 if omitted)
  common::tls_server_config tls;  ///< TLS is on only when `tls` is given
  uint64_t backlog = 128;         ///< listen(2) backlog
  common::socket_options socket;  ///< SO_REUSEADDR/SO_REUSEPORT/TCP_NODELAY
  common::stream_server_settings limits;

  /// Reads and checks `config`; `err` names the offending key.
  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `tcp_server`.
const connector_descriptor& tcp_server_descriptor();

} // namespace temblor::connectors::tcp
