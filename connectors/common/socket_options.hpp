#pragma once

// TCP socket options of the network connectors: the `socket_options` record
// (uppercase keys, as Tremor 0.13 spells them) and 0.12's `no_delay`.

#include <string>

#include "connectors/config_schema.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors::common {

struct socket_options {
  bool reuse_addr = true;  ///< SO_REUSEADDR, set before bind (servers)
  bool reuse_port = false; ///< SO_REUSEPORT, set before bind (servers)
  bool no_delay = true;    ///< TCP_NODELAY, set once the connection is up

  /// Reads `config.socket_options` and `config.no_delay` (0.12); unknown
  /// option names are rejected. `no_delay` wins over `TCP_NODELAY` when both
  /// are given, since it is the more specific 0.12 spelling.
  bool parse(const value& config, std::string& err);
};

/// The `socket_options` record's schema (and 0.12's `no_delay`, for
/// connections that set TCP_NODELAY).
config_field socket_options_field();
config_field no_delay_field();

/// Applies SO_REUSEADDR/SO_REUSEPORT to a socket that is not bound yet.
bool apply_bind_options(int fd, const socket_options& opts, std::string& err);
/// Applies TCP_NODELAY to a connected socket.
bool apply_no_delay(int fd, bool on, std::string& err);

} // namespace temblor::connectors::common
