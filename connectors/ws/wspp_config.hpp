#pragma once

// websocketpp configuration shared by ws_server.cpp and ws_client.cpp.
// Private to connectors/ws: only .cpp files include it, so websocketpp and
// Asio stay out of every public header.

#if defined(__GNUC__)
#pragma GCC system_header // websocketpp and Asio do not build warning-free
#endif

#include <atomic>
#include <exception>
#include <string>

#include <websocketpp/config/asio.hpp>
#include <websocketpp/config/core.hpp>
#include <websocketpp/transport/asio/endpoint.hpp>
#include <websocketpp/transport/asio/security/tls.hpp>

#include "connectors/connector.hpp"

namespace temblor::connectors::ws {

/// The largest message either side accepts; a larger one closes the
/// connection with 1009 (message too big).
inline constexpr size_t max_message_bytes = size_t{64} * 1024 * 1024;

/// websocketpp's asio config with the `Socket` policy (plain or TLS), one
/// io thread per endpoint (no strands) and Temblor's message limit.
template <class Socket>
struct wspp_config : websocketpp::config::core {
  typedef wspp_config type;
  typedef websocketpp::config::core base;

  typedef base::concurrency_type concurrency_type;
  typedef base::request_type request_type;
  typedef base::response_type response_type;
  typedef base::message_type message_type;
  typedef base::con_msg_manager_type con_msg_manager_type;
  typedef base::endpoint_msg_manager_type endpoint_msg_manager_type;
  typedef base::alog_type alog_type;
  typedef base::elog_type elog_type;
  typedef base::rng_type rng_type;

  struct transport_config : public base::transport_config {
    typedef type::concurrency_type concurrency_type;
    typedef type::alog_type alog_type;
    typedef type::elog_type elog_type;
    typedef type::request_type request_type;
    typedef type::response_type response_type;
    typedef Socket socket_type;
    // Each endpoint runs on exactly one io thread, so strands only cost.
    static const bool enable_multithreading = false;
  };

  typedef websocketpp::transport::asio::endpoint<transport_config> transport_type;

  static const size_t max_message_size = max_message_bytes;
};

using plain_config = wspp_config<websocketpp::transport::asio::basic_socket::endpoint>;
using tls_config = wspp_config<websocketpp::transport::asio::tls_socket::endpoint>;

/// Quiets websocketpp's logging, binds `endpoint` to `io` and sets the
/// message limit. Returns false with `err` when Asio cannot be initialised.
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

/// Runs `io` until it is stopped. Handlers catch what they call; this is the
/// last line against a websocketpp exception escaping and killing the
/// process: it is logged (unless stopping) and the loop goes on.
inline void run_io_loop(asio::io_context& io, const std::atomic<bool>& stopping,
                        connector_context& ctx) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      if (!stopping)
        ctx.log(log_level::error, std::string("io thread: ") + e.what());
    }
  }
}

} // namespace temblor::connectors::ws
