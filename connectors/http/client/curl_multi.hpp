#pragma once

// libcurl's multi interface driven by one Asio event loop (curl's
// documented "multi_socket" pattern, as in its asio example): curl says
// which sockets to watch and when its timer fires through callbacks; Asio
// waits on them and hands readiness back with curl_multi_socket_action.
// No thread of its own and no poll loop: transfers share the loop with the
// connector's other handlers, and the multi handle keeps connections alive
// between requests to the same host.
//
// Threading: everything runs on the loop given to create().

#include <curl/curl.h>

#include <chrono>
#include <functional>
#include <memory>
#include <unordered_map>

namespace asio {
class io_context;
} // namespace asio

namespace temblor::connectors::http {

class curl_multi : public std::enable_shared_from_this<curl_multi> {
public:
  using completion = std::function<void(CURLcode)>;

  /// `max_idle_connections`: connections kept open between transfers.
  /// curl's default (four per transfer added at the time) shrinks whenever
  /// few transfers run, and every connection it then closes is opened again
  /// when traffic returns.
  static std::shared_ptr<curl_multi> create(asio::io_context& io, size_t max_idle_connections);
  ~curl_multi();

  /// Starts the transfer on `easy` (set up by the caller; it stays the
  /// caller's) and calls `done` once, on the loop, when it ends. False when
  /// curl refuses the handle.
  bool add(CURL* easy, completion done);
  /// Aborts every transfer without calling their completions.
  void abort_all();
  size_t active() const { return done_.size(); }

  /// What an easy handle needs so a socket's watch lives exactly as long as
  /// the socket (set by add()): released before curl closes it, and never
  /// found stale under a reused descriptor number.
  static curl_socket_t open_socket(void* self, curlsocktype purpose, curl_sockaddr* addr);
  static int close_socket(void* self, curl_socket_t fd);

private:
  curl_multi(asio::io_context& io, size_t max_idle_connections);
  struct watch;
  struct timer;

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);

  void arm(curl_socket_t fd, const std::shared_ptr<watch>& w);
  void forget(curl_socket_t fd);
  void action(curl_socket_t fd, int events);
  /// Makes the loop wake by `at` (sooner is fine); see curl_multi::timer.
  void wait_until(std::chrono::steady_clock::time_point at);
  void on_timer_fired();
  void finish_done();

  asio::io_context& io_;
  CURLM* multi_;
  std::unique_ptr<timer> timer_;
  std::unordered_map<curl_socket_t, std::shared_ptr<watch>> watches_;
  std::unordered_map<CURL*, completion> done_;
};

} // namespace temblor::connectors::http
