#pragma once

// One transport read per connection at a time. websocketpp's
// pause_reading() only sets a flag (the read already in flight completes),
// and resume_reading() starts a read whatever is in flight: a pause and a
// resume between two completions (the runtime's backpressure does that)
// put two reads on one socket, which interleave its bytes (corrupt frames,
// "pong payload differs", connections closed). read_frame() is replaced
// for our two configs (explicit specialisations) to start a read only when
// none is in flight, which the connection's message manager (ours, one per
// connection) records. Private to connectors/ws; included by wspp_config.hpp.

#if defined(__GNUC__)
#pragma GCC system_header // websocketpp does not build warning-free
#endif

#include <websocketpp/connection.hpp>

// The transport keeps the connection alive until the completion runs, as
// with websocketpp's own handler (which also binds `this`).
#define TEMBLOR_WS_ONE_READ_AT_A_TIME(config)                                                    \
  template <>                                                                                    \
  inline void connection<config>::read_frame() {                                                 \
    if (!m_read_flag || m_msg_manager->read_in_flight)                                           \
      return;                                                                                    \
    m_msg_manager->read_in_flight = true;                                                        \
    transport_con_type::async_read_at_least(                                                     \
        1, m_buf, config::connection_read_buffer_size,                                           \
        [this](lib::error_code const& ec, size_t bytes) {                                        \
          m_msg_manager->read_in_flight = false;                                                 \
          handle_read_frame(ec, bytes);                                                          \
        });                                                                                      \
  }
