#pragma once

// One transport read per connection at a time. websocketpp's
// pause_reading() only sets a flag (the read already in flight completes),
// and resume_reading() starts a read whatever is in flight: a pause and a
// resume between two completions (the runtime's backpressure does that)
// put two reads on one socket, which interleave its bytes (corrupt frames,
// "pong payload differs", connections closed). read_frame() is replaced
// for our two configs (explicit specialisations) to start a read only when
// none is in flight. Private to connectors/ws; included by wspp_config.hpp.

#if defined(__GNUC__)
#pragma GCC system_header // websocketpp does not build warning-free
#endif

#include <unordered_set>

#include <websocketpp/connection.hpp>

namespace temblor::connectors::ws {

/// The connections of this thread's event loop (each lives on one) that
/// have a transport read in flight.
inline std::unordered_set<const void*>& reads_in_flight() {
  thread_local std::unordered_set<const void*> in_flight;
  return in_flight;
}

} // namespace temblor::connectors::ws

// The transport keeps the connection alive until the completion runs, as
// with websocketpp's own handler (which also binds `this`).
#define TEMBLOR_WS_ONE_READ_AT_A_TIME(config)                                                    \
  template <>                                                                                    \
  inline void connection<config>::read_frame() {                                                 \
    if (!m_read_flag || !temblor::connectors::ws::reads_in_flight().insert(this).second)         \
      return;                                                                                    \
    transport_con_type::async_read_at_least(                                                     \
        1, m_buf, config::connection_read_buffer_size,                                           \
        [this](lib::error_code const& ec, size_t bytes) {                                        \
          temblor::connectors::ws::reads_in_flight().erase(this);                                \
          handle_read_frame(ec, bytes);                                                          \
        });                                                                                      \
  }
