#pragma once

// The resource limits both ws connectors take from their `config`, declared
// once: how long a handshake may take and how much memory unfinished
// incoming messages may hold.

#include <cstdint>
#include <string>

#include "connectors/config_schema.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors::ws {

struct ws_limits {
  /// TCP connect (client), TLS and the WebSocket upgrade together.
  uint64_t handshake_timeout_ms = 5000;
  /// Bytes of messages still arriving, over all connections of a connector.
  uint64_t partial_message_budget_bytes = uint64_t{128} * 1024 * 1024;

  /// Reads both keys (absent: the defaults above); `err` names the key.
  bool parse(const value& config, std::string& err);
};

config_field handshake_timeout_field();
config_field partial_message_budget_field();

} // namespace temblor::connectors::ws
