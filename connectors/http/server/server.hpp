#pragma once

// A reusable HTTP/1.1 server on one Asio event loop: listener (plain or
// TLS), connections with keep-alive and pipelining, request parsing with
// limits (431, 413, 408, 400), ordered responses (whole or chunked),
// back-pressure, and counters. The http_server connector is one user; the
// runtime's REST API and metrics endpoint are meant to be others.
//
//   struct hello : request_handler {
//     void on_request(const std::shared_ptr<exchange>& ex) override {
//       ex->respond(200, {{"content-type", "text/plain"}}, "hello\n");
//     }
//   };
//   auto srv = server::create(io, cfg, std::make_shared<hello>(), hooks);
//   asio::post(io, [srv] { std::string err; if (!srv->listen(err)) …; });
//
// Threading: every method but create() runs on the loop given to create()
// (post to it); handlers are called there too. Asio stays out of this header.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/tls.hpp"
#include "connectors/connector.hpp"
#include "connectors/http/server/exchange.hpp"
#include "connectors/http/server/limits.hpp"

namespace asio {
class io_context;
} // namespace asio

namespace temblor::connectors::http {

/// Receives every request of a server, on its loop.
class request_handler {
public:
  virtual ~request_handler() = default;
  /// Called once per complete request, in arrival order per connection.
  /// Answer through `ex` now or later; an exchange never answered holds its
  /// connection's later responses back, so answer every one.
  virtual void on_request(const std::shared_ptr<exchange>& ex) = 0;
};

/// Where the server logs and counts (a connector passes its context's).
struct server_hooks {
  std::function<void(log_level, std::string)> log;
  /// Returns a counter that stays valid for the server's life.
  std::function<std::atomic<uint64_t>&(std::string_view)> counter;
  /// Returns a gauge (a level that goes up and down), valid as long.
  std::function<std::atomic<uint64_t>&(std::string_view)> gauge;
};

struct server_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0; ///< 0: any free port (local_port() tells which)
  common::tls_server_config tls;
  common::socket_options socket;
  uint32_t backlog = 1024;
  server_limits limits;
};

/// The counters a server keeps, by name (what operators see).
namespace counter_names {
inline constexpr std::string_view requests = "requests";
inline constexpr std::string_view connections = "connections_accepted";
/// A gauge: the connections open now.
inline constexpr std::string_view connections_open = "connections_open";
inline constexpr std::string_view rejected_max_connections = "connections_rejected_max";
inline constexpr std::string_view bad_request = "rejected_400_bad_request";
inline constexpr std::string_view timed_out = "rejected_408_timeout";
inline constexpr std::string_view body_too_large = "rejected_413_body_too_large";
inline constexpr std::string_view body_budget = "rejected_413_body_budget";
inline constexpr std::string_view headers_too_large = "rejected_431_headers_too_large";
inline constexpr std::string_view not_implemented = "rejected_501_not_implemented";
inline constexpr std::string_view tls_failed = "tls_handshakes_failed";
inline constexpr std::string_view tls_timed_out = "tls_handshakes_timed_out";
inline constexpr std::string_view idle_closed = "connections_closed_idle";
inline constexpr std::string_view slow_consumers = "connections_closed_slow_reader";
inline constexpr std::string_view invalid_headers = "response_headers_dropped_invalid";
} // namespace counter_names

class server {
public:
  virtual ~server() = default;

  /// Makes a server that will run on `io`; nothing is bound yet.
  static std::shared_ptr<server> create(asio::io_context& io, server_config cfg,
                                        std::shared_ptr<request_handler> handler,
                                        server_hooks hooks);

  /// Loads the TLS files (if any), binds, listens and starts accepting.
  /// False with `err` (naming the address or the file) on failure; safe to
  /// call again after a failure or a close().
  virtual bool listen(std::string& err) = 0;
  /// The bound address as `host:port` (brackets for IPv6) and port.
  virtual std::string local_address() const = 0;
  virtual uint16_t local_port() const = 0;

  /// Stops reading requests from every connection (those read are held
  /// back from the handler) until resume(). New servers start resumed.
  virtual void pause() = 0;
  virtual void resume() = 0;
  /// Closes the listener; open connections carry on (a graceful drain).
  virtual void stop_accepting() = 0;
  /// Closes the listener and every connection at once.
  virtual void close() = 0;

  virtual size_t connection_count() const = 0;
  virtual asio::io_context& context() = 0;
};

/// Checks for `temblor check` that the TLS files load and match.
bool check_server_tls(const common::tls_server_config& tls, std::string& err);

} // namespace temblor::connectors::http
