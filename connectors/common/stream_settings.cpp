#include "connectors/common/stream_settings.hpp"

namespace temblor::connectors::common {

namespace {

constexpr uint64_t max_buf_size = uint64_t{64} << 20;

uint64_t u64_of(const value& config, std::string_view key, uint64_t fallback) {
  uint64_t out = fallback;
  if (const value* v = config.get(key))
    v->get_u64(out);
  return out;
}

bool read_buf_size(const value& config, connection_settings& out, std::string& err) {
  out.buf_size = u64_of(config, "buf_size", out.buf_size);
  if (out.buf_size == 0 || out.buf_size > max_buf_size) {
    err = "`buf_size` must be between 1 and " + std::to_string(max_buf_size) + " bytes";
    return false;
  }
  return true;
}

config_field buf_size_field() {
  return optional_key("buf_size", value_types::unsigned_int, 8192,
                      "Bytes read from the socket at a time: one chunk for the preprocessors.");
}

config_field max_queued_field(const char* doc) {
  return optional_key("max_queued_bytes", value_types::unsigned_int, uint64_t{16} << 20, doc);
}

} // namespace

bool stream_server_settings::parse(const value& config, std::string& err) {
  if (!read_buf_size(config, connection, err))
    return false;
  connection.idle_timeout = std::chrono::milliseconds(
      u64_of(config, "idle_timeout_ms", static_cast<uint64_t>(connection.idle_timeout.count())));
  max_connections = u64_of(config, "max_connections", max_connections);
  line_budget_bytes = u64_of(config, "partial_line_budget_bytes", line_budget_bytes);
  max_queued_bytes = u64_of(config, "max_queued_bytes", max_queued_bytes);
  if (max_connections == 0) {
    err = "`max_connections` must be at least 1";
    return false;
  }
  return true;
}

bool stream_client_settings::parse(const value& config, std::string& err) {
  if (!read_buf_size(config, connection, err))
    return false;
  max_queued_bytes = u64_of(config, "max_queued_bytes", max_queued_bytes);
  connect_timeout = std::chrono::milliseconds(
      u64_of(config, "connect_timeout_ms", static_cast<uint64_t>(connect_timeout.count())));
  if (connect_timeout.count() == 0) {
    err = "`connect_timeout_ms` must be at least 1";
    return false;
  }
  return true;
}

std::vector<config_field> stream_server_fields() {
  return {
    buf_size_field(),
    optional_key("max_connections", value_types::unsigned_int, 4096,
                 "Open connections at most; one more is accepted and closed at once, logged and counted in `connections_refused`. Mind the process's file descriptor limit."),
    optional_key("idle_timeout_ms", value_types::unsigned_int, 600000,
                 "Closes a connection that sent and took nothing for this long (10 minutes by default; counted in `connections_closed_idle`); 0 never does."),
    optional_key("partial_line_budget_bytes", value_types::unsigned_int, uint64_t{64} << 20,
                 "Bytes after the last newline that all connections together may hold (what `separate` keeps for them; 64 MiB by default); the connection that crosses it is closed and counted in `connections_closed_line_budget`. 0 turns it off (framings without newlines)."),
    max_queued_field("Reply bytes that may wait for one connection that reads slowly (16 MiB by default); replies beyond fail and are counted in `replies_failed_slow_peer`."),
  };
}

std::vector<config_field> stream_client_fields() {
  return {
    buf_size_field(),
    max_queued_field("Bytes that may wait for a peer that reads slowly (16 MiB by default); events beyond fail and are counted in `events_failed_slow_peer`."),
    optional_key("connect_timeout_ms", value_types::unsigned_int, 5000,
                 "How long connecting (and the TLS handshake) may take before the attempt fails and the reconnect policy decides."),
  };
}

} // namespace temblor::connectors::common
