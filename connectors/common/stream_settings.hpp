#pragma once

// The limits of the stream connectors (tcp_*, unix_socket_*), read from
// their `config`, and the schema rows that declare them.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/config_schema.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors::common {

/// What one connection may take.
struct connection_settings {
  size_t buf_size = 8192;                       ///< bytes asked for per read
  std::chrono::milliseconds idle_timeout{0};    ///< 0: never
  std::chrono::milliseconds handshake_timeout{10000};
  /// How long replies to a peer that stopped sending may take to go out.
  std::chrono::milliseconds linger{5000};
};

/// A server's limits: `buf_size`, `max_connections`, `idle_timeout_ms`,
/// `partial_line_budget_bytes`, `max_queued_bytes`.
struct stream_server_settings {
  connection_settings connection;
  uint64_t max_connections = 4096;
  uint64_t line_budget_bytes = uint64_t{64} << 20;
  uint64_t max_queued_bytes = uint64_t{16} << 20;

  /// Reads the keys of stream_server_fields() (defaults already filled in
  /// by the schema); false with `err` naming the key.
  bool parse(const value& config, std::string& err);
};

/// A client's limits: `buf_size`, `max_queued_bytes`, `connect_timeout_ms`.
struct stream_client_settings {
  connection_settings connection;
  uint64_t max_queued_bytes = uint64_t{16} << 20;
  std::chrono::milliseconds connect_timeout{5000};

  bool parse(const value& config, std::string& err);
};

std::vector<config_field> stream_server_fields();
std::vector<config_field> stream_client_fields();

} // namespace temblor::connectors::common
