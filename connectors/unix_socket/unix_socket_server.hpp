#pragma once

// unix_socket_server: listens on a Unix domain socket file; each connection
// is a stream of the source, and the sink writes replies back to it.

#include <optional>
#include <string>

#include "connectors/common/stream_settings.hpp"
#include "connectors/connector.hpp"
#include "connectors/unix_socket/file_mode.hpp"

namespace temblor::connectors::unix_socket {

/// The validated `config` of a unix_socket_server.
struct unix_socket_server_config {
  std::string path;                     ///< the socket file
  std::optional<file_mode> permissions; ///< applied before the file appears at `path`
  common::stream_server_settings limits;

  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `unix_socket_server`.
const connector_descriptor& unix_socket_server_descriptor();

} // namespace temblor::connectors::unix_socket
