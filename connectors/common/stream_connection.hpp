#pragma once

// One connection of a stream connector (tcp_*, unix_socket_*) on its
// event loop: it reads while not paused, writes what it is given in order,
// and enforces the handshake and idle deadlines. Private to connectors'
// .cpp files (it includes Asio). Every method runs on the loop; handlers
// hold a shared_ptr to the connection, so it lives until the last one ran.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/common/input_backlog.hpp"
#include "connectors/common/peer_registry.hpp"
#include "connectors/common/stream_settings.hpp"
#include "connectors/common/stream_transport.hpp"
#include "runtime/core/event.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors::common {

/// Why a connection's stream ended.
enum class stream_end {
  peer_closed,  ///< EOF: the peer closed or half-closed
  peer_reset,   ///< a read error (reset, TLS alert)
  write_failed, ///< a write error
  idle,         ///< nothing read or written for the idle timeout
  local,        ///< closed by us (line budget, stop)
};

class stream_connection;

/// What a connection reports to the server or client that owns it.
class connection_owner {
public:
  virtual ~connection_owner() = default;
  /// The connection may carry traffic (its TLS handshake, if any, is done).
  virtual void on_ready(stream_connection& c) = 0;
  /// Bytes read from the peer; never called while the connection is paused.
  virtual void on_data(stream_connection& c, std::string data) = 0;
  /// The stream ended; called once, and only after on_ready(). Replies
  /// queued before it are still written when the peer merely stopped sending.
  virtual void on_end(stream_connection& c, stream_end why, const std::string& detail) = 0;
  /// The TLS handshake failed or timed out; no on_ready() or on_end() follows.
  virtual void on_handshake_failed(stream_connection& c, const std::string& detail) = 0;
  /// A transactional event's last frame was written (`ok`) or never will be.
  virtual void on_written(const event_id& id, bool ok) = 0;
  /// The socket is closed; nothing more comes from this connection.
  virtual void on_socket_closed(stream_connection& c) = 0;
};

class stream_connection final : public stream_peer,
                                public std::enable_shared_from_this<stream_connection> {
public:
  stream_connection(asio::io_context& io, std::unique_ptr<stream_transport> transport,
                    uint64_t stream, std::string key, value meta, const connection_settings& settings,
                    std::shared_ptr<connection_owner> owner, std::shared_ptr<input_backlog> backlog);

  /// Shakes hands if the transport needs it, then reads unless `paused`.
  void start(bool paused);
  void set_paused(bool paused);
  /// Reads again after input_backlog held this connection back.
  void unpark();
  /// Queues bytes for the peer (already counted in `queued`).
  void send(std::string data, std::optional<event_id> completes);
  /// Ends the stream (reported as `why`) and closes the socket at once.
  void close(stream_end why, const std::string& detail);

  /// The connection's `$`.
  const value& meta() const { return meta_; }
  stream_transport& transport() { return *transport_; }
  bool ready() const { return phase_ == phase::open || phase_ == phase::finishing; }

  /// The owner's: this connection's unfinished line (see line_budget).
  uint64_t partial_line = 0;

private:
  enum class phase { created, handshaking, open, finishing, closed };
  struct pending {
    std::string data;
    std::optional<event_id> completes;
  };

  void read();
  void on_read(const asio::error_code& ec, size_t n);
  void write();
  void on_write(const asio::error_code& ec);
  void arm_timer(std::chrono::steady_clock::time_point at);
  void on_timer();
  void end(stream_end why, const std::string& detail);
  void close_socket();

  asio::steady_timer timer_;
  std::unique_ptr<stream_transport> transport_;
  value meta_;
  connection_settings settings_;
  std::shared_ptr<connection_owner> owner_;
  std::shared_ptr<input_backlog> backlog_;

  phase phase_ = phase::created;
  bool paused_ = false;
  bool reading_ = false;
  bool parked_ = false; ///< held back by input_backlog
  bool writing_ = false;
  bool timer_armed_ = false;
  bool socket_closed_ = false;
  uint64_t timer_generation_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point last_activity_;
  std::string read_buf_;
  std::string held_; ///< read before a pause took effect; delivered on resume
  std::deque<pending> queue_;
  size_t in_flight_ = 0; ///< frames at the front of queue_ being written
  std::vector<asio::const_buffer> write_bufs_;
};

} // namespace temblor::connectors::common
