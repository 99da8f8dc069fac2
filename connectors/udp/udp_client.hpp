#pragma once

// udp_client: sends every frame the codec and postprocessors make for an
// event as one datagram to `url`, from a socket bound to `bind`.

#include <string>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/url.hpp"
#include "connectors/connector.hpp"

namespace temblor::connectors::udp {

/// The validated `config` of a udp_client.
struct udp_client_config {
  common::url url;               ///< the peer; the port is required
  common::url bind;              ///< the local address; `0.0.0.0:0` or `[::]:0` by default
  common::socket_options socket; ///< SO_REUSEADDR/SO_REUSEPORT, set before binding

  /// Reads and checks `config`; `err` names the offending key.
  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `udp_client`.
const connector_descriptor& udp_client_descriptor();

} // namespace temblor::connectors::udp
