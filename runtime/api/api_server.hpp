#pragma once

// The process's HTTP endpoint: the REST API, /metrics and the status page
// on one event loop of the I/O pool, through the http server library.
// run_flows binds it before the flows deploy (so a taken port fails the
// start at once) and attaches the deployer once it exists.

#include <memory>
#include <string>

#include "runtime/api/api_service.hpp"

namespace asio {
class io_context;
} // namespace asio

namespace temblor::api {

/// Splits "host:port" (or "[v6]:port") into its parts; false with `err`.
bool parse_host_port(const std::string& text, std::string& host, uint16_t& port, std::string& err);

class api_server {
public:
  /// Returns a server listening on `host_port` (port 0: any free port) on
  /// loop `io`, or nullptr with `err` naming the address. Blocks until the
  /// loop has bound the socket (bounded by a few seconds); call it from a
  /// thread that is not `io`'s.
  static std::unique_ptr<api_server> start(asio::io_context& io, const std::string& host_port,
                                           service_settings settings, std::string& err);

  /// Stops serving: closes the listener and every connection on the loop,
  /// and waits for that (bounded).
  ~api_server();

  /// Hands the deployer to the service (flow routes answer 503 before).
  void attach(std::shared_ptr<deployer_link> link);

  /// The bound address, `host:port`.
  const std::string& address() const { return address_; }

private:
  struct state;
  explicit api_server(std::shared_ptr<state> st) : st_(std::move(st)) {}

  std::shared_ptr<state> st_;
  std::string address_;
};

} // namespace temblor::api
