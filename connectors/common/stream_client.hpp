#pragma once

// The client half shared by tcp_client and unix_socket_client: one
// connection, one stream (id 0), reconnected by the runtime's policy. A
// lost connection (EOF, read or write error) ends the stream and is
// reported at once, so the circuit breaker stops upstream while the
// supervisor reconnects. Transactional events are acked once the socket
// took their bytes and failed if it never does. What differs (how to
// connect, TLS, metadata) is a client_flavor. Private to connectors' .cpp
// files (it includes Asio).

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>

#include "connectors/common/stream_connection.hpp"
#include "connectors/common/stream_outbox.hpp"
#include "connectors/connector.hpp"

namespace temblor::connectors::common {

/// How a client reaches its peer.
class client_flavor {
public:
  using dial_handler =
      std::function<void(std::unique_ptr<stream_transport> transport, const std::string& err)>;

  virtual ~client_flavor() = default;
  /// Connects (and for TLS shakes hands) on `io` within its own deadline;
  /// calls `done` exactly once, with a transport or with why it failed.
  virtual void dial(asio::io_context& io, dial_handler done) = 0;
  /// Abandons a dial in progress (stop); its handler still runs once.
  virtual void cancel() = 0;
  /// The `$` of what the connection reads.
  virtual value meta() const = 0;
  /// Names the peer in messages: `host:port`, a socket path.
  virtual std::string describe() const = 0;
};

class stream_client final : public connection_owner,
                            public std::enable_shared_from_this<stream_client> {
public:
  stream_client(asio::io_context& io, std::shared_ptr<connector_context> ctx,
                std::unique_ptr<client_flavor> flavor, const stream_client_settings& settings);

  // -- actor thread ---------------------------------------------------------

  /// Dials; ends in exactly one connected() or connect_failed().
  void connect();
  void set_paused(bool paused);
  /// A client takes no new connections, so a drain changes nothing: what
  /// the peer still sends is read until the runtime stops the connector.
  void drain() {}
  /// Closes the connection and waits (bounded) until the loop did; no
  /// context call follows.
  void stop();
  /// Queues one event: failed when not connected or the peer reads too
  /// slowly; pending for transactional events (acked once written).
  sink_outcome write(const event& ev, serializer& ser);
  /// A graceful stop: ends the framing and sends what it still held.
  void finish(serializer& ser);
  /// Transactional events answered `pending` whose bytes the socket has not
  /// taken yet (a graceful stop waits for them).
  size_t writes_in_flight() const { return in_flight_.load(std::memory_order_acquire); }

  // -- connection_owner (event loop) ----------------------------------------

  void on_ready(stream_connection& c) override;
  void on_data(stream_connection& c, std::string data) override;
  void on_end(stream_connection& c, stream_end why, const std::string& detail) override;
  void on_handshake_failed(stream_connection& c, const std::string& detail) override;
  void on_written(const event_id& id, bool ok) override;
  void on_socket_closed(stream_connection& c) override;

private:
  void dial();
  void send_outbox();
  void shut_down();
  /// Queues `frames_` for `target` (failed when the peer reads too slowly);
  /// the last frame completes `completes`.
  sink_outcome queue_frames(const std::shared_ptr<stream_peer>& target,
                            std::optional<event_id> completes);

  asio::io_context& io_;
  std::shared_ptr<connector_context> ctx_;
  std::unique_ptr<client_flavor> flavor_;
  stream_client_settings settings_;
  value meta_;
  std::shared_ptr<input_backlog> backlog_;

  // event loop
  std::shared_ptr<stream_connection> connection_;
  bool dialing_ = false;
  bool paused_ = true; ///< push sources read nothing before the first resume()
  bool stopping_ = false;
  std::vector<outgoing_bytes> sending_;

  // shared
  std::atomic<bool> stopped_{false};
  std::mutex current_mtx_;
  std::shared_ptr<stream_peer> current_; ///< the open connection's send side
  std::atomic<bool> stream_ended_{false};
  stream_outbox outbox_;
  std::atomic<size_t> in_flight_{0};
  std::atomic<uint64_t>& slow_peer_failed_;

  // actor thread scratch
  std::vector<std::string> frames_;
  std::vector<outgoing_bytes> batch_;
  std::string err_;
};

} // namespace temblor::connectors::common
