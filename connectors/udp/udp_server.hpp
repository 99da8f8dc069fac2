#pragma once

// udp_server: binds a UDP port; every datagram is one chunk of stream 0
// through the preprocessors and codec (Tremor gives it no metadata).

#include <cstdint>
#include <string>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/url.hpp"
#include "connectors/connector.hpp"

namespace temblor::connectors::udp {

/// The validated `config` of a udp_server.
struct udp_server_config {
  common::url url;               ///< where to bind; port 0 takes a free one (logged)
  uint64_t buf_size = 8192;      ///< bytes kept of each datagram
  common::socket_options socket; ///< SO_REUSEADDR/SO_REUSEPORT

  /// Reads and checks `config`; `err` names the offending key.
  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `udp_server`.
const connector_descriptor& udp_server_descriptor();

} // namespace temblor::connectors::udp
