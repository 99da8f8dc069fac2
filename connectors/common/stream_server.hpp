#pragma once

// The server half shared by tcp_server and unix_socket_server: accept
// connections (each its own stream), hand what they send to the runtime,
// route replies back, and bound what peers may cost (connections, idle
// time, unfinished lines, unread replies). What differs (the socket kind,
// TLS, metadata, how a reply names its connection) is a server_flavor.
// Private to connectors' .cpp files (it includes Asio).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/common/line_budget.hpp"
#include "connectors/common/peer_registry.hpp"
#include "connectors/common/stream_connection.hpp"
#include "connectors/common/stream_outbox.hpp"
#include "connectors/connector.hpp"

namespace temblor::connectors::common {

/// A listening socket and what a server's kind of connection looks like.
class server_flavor {
public:
  struct accepted {
    std::unique_ptr<stream_transport> transport;
    std::string host; ///< the peer's address (TCP)
    uint16_t port = 0;
  };
  using accept_handler = std::function<void(const asio::error_code&, accepted)>;

  virtual ~server_flavor() = default;
  /// Binds and listens on `io`; `where` names the address for the log.
  virtual bool listen(asio::io_context& io, std::string& where, std::string& err) = 0;
  virtual bool listening() const = 0;
  virtual void async_accept(accept_handler done) = 0;
  /// Stops listening (drain, stop); a Unix server removes its socket file.
  virtual void close() = 0;

  /// The routing key and the `$` of a new connection.
  virtual std::string key_of(uint64_t stream, const accepted& a) const = 0;
  virtual value meta_of(uint64_t stream, const accepted& a) const = 0;
  /// Reads the routing key a reply's `$` names (`$tcp_server.peer`); false if none.
  virtual bool key_in(const value& meta, std::string& key) const = 0;
};

class stream_server final : public connection_owner,
                            public std::enable_shared_from_this<stream_server> {
public:
  stream_server(asio::io_context& io, std::shared_ptr<connector_context> ctx,
                std::unique_ptr<server_flavor> flavor, const stream_server_settings& settings,
                uint64_t source_id, bool sink_linked);

  // -- actor thread ---------------------------------------------------------

  /// Listens (once; later calls report connected() again) and accepts.
  void connect();
  void set_paused(bool paused);
  /// Stops accepting; open connections go on.
  void drain();
  /// Closes everything and waits (bounded) until the loop did; no context
  /// call follows.
  void stop();
  /// Routes one reply; see peer_registry::find_targets.
  sink_outcome write(const event& ev, serializer& ser);
  /// A graceful stop: ends the framing of every open connection and sends
  /// what it still held (a compressor's trailer, say).
  void finish(serializer& ser);
  /// Replies are done once queued: nothing to wait for.
  size_t writes_in_flight() const { return 0; }

  // -- connection_owner (event loop) ----------------------------------------

  void on_ready(stream_connection& c) override;
  void on_data(stream_connection& c, std::string data) override;
  void on_end(stream_connection& c, stream_end why, const std::string& detail) override;
  void on_handshake_failed(stream_connection& c, const std::string& detail) override;
  void on_written(const event_id& id, bool ok) override;
  void on_socket_closed(stream_connection& c) override;

private:
  void listen();
  void accept();
  void on_accept(const asio::error_code& ec, server_flavor::accepted a);
  void send_outbox();
  void shut_down();
  void forget_finished_streams(serializer& ser);
  /// Queues `frames_` for `target`; false (nothing queued) when the peer
  /// already has `max_queued_bytes` waiting.
  bool queue_frames(const peer_ptr& target);
  /// Logs the 1st, 2nd, 4th, 8th… time `count` was bumped.
  void log_doubling(std::atomic<uint64_t>& count, const std::string& what);

  asio::io_context& io_;
  std::shared_ptr<connector_context> ctx_;
  std::unique_ptr<server_flavor> flavor_;
  stream_server_settings settings_;
  const uint64_t source_id_;
  const bool sink_linked_;

  // event loop
  asio::steady_timer accept_retry_;
  line_budget budget_;
  std::shared_ptr<input_backlog> backlog_;
  uint64_t next_stream_ = 0;
  size_t sockets_open_ = 0;
  bool paused_ = true; ///< push sources read nothing before the first resume()
  bool draining_ = false;
  bool stopping_ = false;
  std::unordered_map<uint64_t, std::shared_ptr<stream_connection>> connections_; ///< open sockets
  std::vector<outgoing_bytes> sending_;

  // shared
  std::atomic<bool> stopped_{false};
  std::atomic<bool> breaker_open_{true};
  peer_registry peers_;
  stream_outbox outbox_;
  std::mutex finished_mtx_;
  std::vector<uint64_t> finished_;
  std::atomic<bool> has_finished_{false};

  // counters operators see
  std::atomic<uint64_t>& refused_;
  std::atomic<uint64_t>& idle_closed_;
  std::atomic<uint64_t>& budget_closed_;
  std::atomic<uint64_t>& handshakes_failed_;
  std::atomic<uint64_t>& slow_peer_failed_;
  std::atomic<uint64_t>& accept_errors_;
  std::atomic<uint64_t>& connections_open_; ///< gauge: sockets_open_ as operators see it

  // actor thread scratch
  std::vector<peer_ptr> targets_;
  std::vector<std::string> frames_;
  std::vector<outgoing_bytes> batch_;
  std::vector<uint64_t> finished_swap_;
  std::string err_;
};

} // namespace temblor::connectors::common
