#pragma once

// A c-ares channel driven by one Asio event loop: c-ares tells us which
// sockets it wants watched (its socket-state callback) and we wait on them
// with posix::stream_descriptor; its retransmission timeouts run on an Asio
// timer. No thread of its own. Every method runs on the loop's thread.

#include <ares.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>

namespace temblor::connectors::dns {

class ares_loop : public std::enable_shared_from_this<ares_loop> {
public:
  /// What the channel is made with.
  struct options {
    /// "host:port,…" for ares_set_servers_ports_csv; empty: /etc/resolv.conf.
    std::string servers_csv;
    /// How long one server gets to answer one try; c-ares doubles it per round.
    std::chrono::milliseconds try_timeout{2000};
    int tries = 2;
  };

  /// Makes a channel on `io`; nullptr with `err` when c-ares cannot (no
  /// usable resolver configuration, a bad server list).
  static std::shared_ptr<ares_loop> create(asio::io_context& io, const options& opts,
                                           std::string& err);
  ~ares_loop();
  ares_loop(const ares_loop&) = delete;
  ares_loop& operator=(const ares_loop&) = delete;

  /// The channel for ares_search and friends; null after close(). Call
  /// started() after starting queries on it.
  ares_channel channel() const { return channel_; }
  /// Arms the timer for what c-ares now waits on.
  void started();

  /// Destroys the channel: pending queries complete with ARES_EDESTRUCTION,
  /// the sockets are closed and nothing is watched any more.
  void close();

private:
  struct watch {
    explicit watch(asio::io_context& io) : descriptor(io) {}
    asio::posix::stream_descriptor descriptor;
    int fd = -1;
    bool want_read = false;
    bool want_write = false;
    bool reading = false;
    bool writing = false;
    bool closed = false;
  };

  explicit ares_loop(asio::io_context& io);
  static void on_socket_state(void* self, ares_socket_t fd, int readable, int writable);
  void socket_state(int fd, bool readable, bool writable);
  void arm(const std::shared_ptr<watch>& w);
  void process(int read_fd, int write_fd);
  void arm_timer();

  asio::io_context& io_;
  asio::steady_timer timer_;
  ares_channel channel_ = nullptr;
  std::map<int, std::shared_ptr<watch>> watches_;
};

} // namespace temblor::connectors::dns
