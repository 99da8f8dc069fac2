#pragma once

// unix_socket_client: one connection to a Unix domain socket; what it reads
// is stream 0 of the source, what reaches the sink is written to it.

#include <string>

#include "connectors/common/stream_settings.hpp"
#include "connectors/connector.hpp"

namespace temblor::connectors::unix_socket {

/// The validated `config` of a unix_socket_client.
struct unix_socket_client_config {
  std::string path; ///< the server's socket file
  common::stream_client_settings limits;

  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `unix_socket_client`.
const connector_descriptor& unix_socket_client_descriptor();

} // namespace temblor::connectors::unix_socket
