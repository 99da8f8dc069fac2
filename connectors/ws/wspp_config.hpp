#pragma once

// websocketpp configuration shared by ws_server.cpp and ws_client.cpp.
// Private to connectors/ws: only .cpp files include it, so websocketpp and
// Asio stay out of every public header.

#if defined(__GNUC__)
#pragma GCC system_header // websocketpp and Asio do not build warning-free
#endif

#include <string>

#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/asio.hpp>
#include <websocketpp/config/core.hpp>
#include <websocketpp/processors/hybi13.hpp>
#include <websocketpp/transport/asio/endpoint.hpp>
#include <websocketpp/transport/asio/security/tls.hpp>

#include "connectors/ws/budgeted_message.hpp"
#include "connectors/ws/frame_random.hpp"

namespace temblor::connectors::ws {

/// The largest message either side accepts; a larger one closes the
/// connection with 1009 (message too big).
inline constexpr size_t max_message_bytes = size_t{64} * 1024 * 1024;

/// websocketpp's asio config with the `Socket` policy (plain or TLS).
///
/// Every endpoint and all its connections live on one event loop of the
/// shared I/O pool, and nothing else calls into them: no strands, no locks
/// (`concurrency::none`). Logging is compiled out (we report through the
/// connector context). Masking keys come from a real random source, incoming
/// messages are charged to the connector's budget.
template <class Socket>
struct wspp_config : websocketpp::config::core {
  typedef wspp_config type;
  typedef websocketpp::config::core base;

  typedef websocketpp::concurrency::none concurrency_type;
  typedef base::request_type request_type;
  typedef base::response_type response_type;
  typedef budgeted_message message_type;
  typedef budgeted_manager con_msg_manager_type;
  typedef websocketpp::message_buffer::alloc::endpoint_msg_manager<con_msg_manager_type>
      endpoint_msg_manager_type;
  typedef websocketpp::log::basic<concurrency_type, websocketpp::log::elevel> elog_type;
  typedef websocketpp::log::basic<concurrency_type, websocketpp::log::alevel> alog_type;
  typedef frame_random rng_type;

  static const websocketpp::log::level elog_level = websocketpp::log::elevel::none;
  static const websocketpp::log::level alog_level = websocketpp::log::alevel::none;
  static const bool enable_multithreading = false;

  struct transport_config : public base::transport_config {
    typedef type::concurrency_type concurrency_type;
    typedef type::alog_type alog_type;
    typedef type::elog_type elog_type;
    typedef type::request_type request_type;
    typedef type::response_type response_type;
    typedef Socket socket_type;
    static const bool enable_multithreading = false;
    // A TLS peer that never answers our close_notify must not hold its
    // socket for long once the connection is over.
    static const long timeout_socket_shutdown = 1000;
  };

  typedef websocketpp::transport::asio::endpoint<transport_config> transport_type;

  static const size_t max_message_size = max_message_bytes;
};

using plain_config = wspp_config<websocketpp::transport::asio::basic_socket::endpoint>;
using tls_config = wspp_config<websocketpp::transport::asio::tls_socket::endpoint>;

/// RFC 6455 §5.2: a length not in its minimal encoding is a protocol error
/// (1002); websocketpp reports it with an error code it maps to 1011.
inline websocketpp::lib::error_code check_extended_header(websocketpp::frame::basic_header h,
                                                          websocketpp::frame::extended_header e) {
  namespace frame = websocketpp::frame;
  using websocketpp::processor::error::make_error_code;
  const uint8_t basic_size = frame::get_basic_size(h);
  const uint64_t payload_size = frame::get_payload_size(h, e);
  if ((basic_size == frame::payload_size_code_16bit &&
       payload_size <= frame::limits::payload_size_basic) ||
      (basic_size == frame::payload_size_code_64bit &&
       payload_size <= frame::limits::payload_size_extended))
    return make_error_code(websocketpp::processor::error::protocol_violation);
  // The most significant bit of a 64-bit length must be 0 (§5.2).
  if (basic_size == frame::payload_size_code_64bit && (payload_size >> 63) != 0)
    return make_error_code(websocketpp::processor::error::protocol_violation);
  return {};
}

/// Quiets websocketpp's logging and binds `endpoint` to the loop `io`.
/// Returns false with `err` when Asio cannot be initialised.
template <class Endpoint>
bool init_endpoint(Endpoint& endpoint, asio::io_context& io, std::string& err) {
  websocketpp::lib::error_code ec;
  endpoint.clear_access_channels(websocketpp::log::alevel::all);
  endpoint.clear_error_channels(websocketpp::log::elevel::all);
  endpoint.init_asio(&io, ec);
  if (ec) {
    err = ec.message();
    return false;
  }
  endpoint.set_max_message_size(max_message_bytes);
  return true;
}

} // namespace temblor::connectors::ws

// The hybi13 parser is websocketpp's; two of its members are replaced for
// our two configs (explicit specialisations), each fixing an RFC 6455 case
// the conformance suite (tests/connectors/ws/scripts/conformance.py) found:
// - validate_incoming_extended_header: 1002 instead of 1011 for a length
//   that is not minimally encoded;
// - finalize_message: a fragmented text message that ends inside a code
//   point is invalid (1007); websocketpp looked at the opcode of the last
//   frame (a continuation) and let it through. A close reason that is not
//   UTF-8 is also 1007 (websocketpp said 1002).
#define TEMBLOR_WS_HYBI13_FIXES(config)                                                          \
  template <>                                                                                    \
  inline lib::error_code hybi13<config>::validate_incoming_extended_header(                     \
      frame::basic_header h, frame::extended_header e) const {                                   \
    return temblor::connectors::ws::check_extended_header(h, e);                                 \
  }                                                                                              \
  template <>                                                                                    \
  inline lib::error_code hybi13<config>::finalize_message() {                                    \
    const auto op = m_current_msg->msg_ptr->get_opcode();                                        \
    if (op == frame::opcode::TEXT && !m_current_msg->validator.complete())                       \
      return make_error_code(error::invalid_utf8);                                               \
    const std::string& payload = m_current_msg->msg_ptr->get_payload();                          \
    if (op == frame::opcode::CLOSE && payload.size() > 2 &&                                      \
        !utf8_validator::validate(payload.substr(2)))                                            \
      return make_error_code(error::invalid_utf8);                                               \
    m_state = READY;                                                                             \
    return lib::error_code();                                                                    \
  }

namespace websocketpp::processor {
// permessage-deflate is disabled in our configs, so finalize_message has no
// compression trailer to handle.
TEMBLOR_WS_HYBI13_FIXES(temblor::connectors::ws::plain_config)
TEMBLOR_WS_HYBI13_FIXES(temblor::connectors::ws::tls_config)
} // namespace websocketpp::processor
#undef TEMBLOR_WS_HYBI13_FIXES

#include "connectors/ws/wspp_read_guard.hpp"

namespace websocketpp {
TEMBLOR_WS_ONE_READ_AT_A_TIME(temblor::connectors::ws::plain_config)
TEMBLOR_WS_ONE_READ_AT_A_TIME(temblor::connectors::ws::tls_config)
} // namespace websocketpp
#undef TEMBLOR_WS_ONE_READ_AT_A_TIME
