#pragma once

// libcurl's multi interface driven by one Asio event loop (curl's
// documented "multi_socket" pattern): curl says which sockets to watch and
// when its timer fires through callbacks; the loop waits on them and hands
// readiness back with curl_multi_socket_action. No thread of its own and no
// poll loop: transfers share the loop with the connector's other handlers,
// and the multi handle keeps connections alive between requests to the same
// host.
//
// curl's sockets sit in an epoll set of their own, level-triggered, which
// the loop watches as one descriptor. Asio's reactor is edge-triggered and
// re-arms a descriptor with an epoll_ctl for every wait, which cost one
// system call per request; here a kept-alive socket stays registered across
// requests (curl removes and re-adds it around each one) and the loop pays
// one re-arm per turn, however many sockets were ready.
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

  /// What an easy handle needs so a socket's registration lives exactly as
  /// long as the socket (set by add()): dropped before curl closes it, and
  /// never found stale under a reused descriptor number.
  static curl_socket_t open_socket(void* self, curlsocktype purpose, curl_sockaddr* addr);
  static int close_socket(void* self, curl_socket_t fd);

private:
  curl_multi(asio::io_context& io, size_t max_idle_connections);
  struct sockets;
  struct timer;

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);

  /// Makes the loop look at the epoll set once it has something ready.
  void watch_ready();
  /// Hands what the epoll set has ready to curl.
  void take_ready();
  void action(curl_socket_t fd, int events);
  /// Makes the loop wake by `at` (sooner is fine); see curl_multi::timer.
  void wait_until(std::chrono::steady_clock::time_point at);
  void on_timer_fired();
  void finish_done();

  asio::io_context& io_;
  CURLM* multi_;
  std::unique_ptr<timer> timer_;
  std::unique_ptr<sockets> sockets_;
  std::unordered_map<CURL*, completion> done_;
};

} // namespace temblor::connectors::http
