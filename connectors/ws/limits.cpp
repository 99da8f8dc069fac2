#include "connectors/ws/limits.hpp"

#include "connectors/common/config_reader.hpp"

namespace temblor::connectors::ws {

bool ws_limits::parse(const value& config, std::string& err) {
  if (!common::read_optional_uint(config, "handshake_timeout_ms", 3600000, handshake_timeout_ms,
                                  err) ||
      !common::read_optional_uint(config, "partial_message_budget_bytes", uint64_t{1} << 40,
                                  partial_message_budget_bytes, err))
    return false;
  if (handshake_timeout_ms == 0) {
    err = "`handshake_timeout_ms` must be greater than 0";
    return false;
  }
  return true;
}

config_field handshake_timeout_field() {
  return optional_key("handshake_timeout_ms", value_types::unsigned_int, 5000,
                      "Milliseconds a connection may take to become a WebSocket (TCP connect, TLS "
                      "and upgrade together); a slower one is closed. Raise it for slow links.");
}

config_field partial_message_budget_field() {
  return optional_key(
      "partial_message_budget_bytes", value_types::unsigned_int, uint64_t{128} * 1024 * 1024,
      "Bytes that messages still arriving may hold, over all connections (128 MiB); the "
      "connection that would exceed it is closed with 1009 and counted in "
      "`connections_closed_over_budget`. Keep it above the largest message you expect (64 MiB max).");
}

} // namespace temblor::connectors::ws
