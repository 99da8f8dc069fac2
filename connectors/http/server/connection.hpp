#pragma once

// Internal to the server library: one accepted connection (plain or TLS)
// and the state its server shares with all of them. Includes Asio; only
// the library's .cpp files include it.

#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include <asio/error_code.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>

#include "connectors/http/server/body_budget.hpp"
#include "connectors/http/server/exchange.hpp"
#include "connectors/http/server/request_parser.hpp"
#include "connectors/http/server/server.hpp"

namespace temblor::connectors::http {

using clock_type = std::chrono::steady_clock;

/// The server's counters, looked up once.
struct server_counters {
  explicit server_counters(const server_hooks& hooks);
  std::atomic<uint64_t>* requests;
  std::atomic<uint64_t>* connections;
  std::atomic<uint64_t>* rejected_max_connections;
  std::atomic<uint64_t>* bad_request;
  std::atomic<uint64_t>* timed_out;
  std::atomic<uint64_t>* body_too_large;
  std::atomic<uint64_t>* body_budget;
  std::atomic<uint64_t>* headers_too_large;
  std::atomic<uint64_t>* not_implemented;
  std::atomic<uint64_t>* tls_failed;
  std::atomic<uint64_t>* tls_timed_out;
  std::atomic<uint64_t>* idle_closed;
  std::atomic<uint64_t>* slow_consumers;
  std::atomic<uint64_t>* invalid_headers;
  std::atomic<uint64_t>* connections_open; ///< a gauge
};

/// What a server shares with its connections (all on the server's loop).
struct server_state {
  server_state(asio::io_context& io, server_config cfg, std::shared_ptr<request_handler> handler,
               server_hooks hooks);

  /// Bumps `c` and logs `what` the 1st, 2nd, 4th, 8th… time, so a flood of
  /// rejections is visible without flooding the log.
  void count_and_log(std::atomic<uint64_t>* c, log_level level, const std::string& what);
  void log(log_level level, std::string message);
  void remove(connection* c);

  asio::io_context& io;
  server_config cfg;
  std::shared_ptr<request_handler> handler;
  server_hooks hooks;
  server_counters counters;
  body_budget budget;
  bool paused = false;
  bool closing = false;
  std::unordered_map<connection*, std::shared_ptr<connection>> connections;
};

class connection : public std::enable_shared_from_this<connection> {
public:
  explicit connection(std::shared_ptr<server_state> st, bool tls);
  virtual ~connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Starts the TLS handshake (if any), then reading requests.
  void start();
  /// Closes the socket at once; pending answers are refused from now on.
  void close_now();
  /// Acts on a passed deadline (408, idle close, handshake timeout…).
  void check_deadline(clock_type::time_point now);
  /// Called after the server paused or resumed.
  void pause_changed();

  bool closed() const { return state_ == state::closed; }
  /// Whether responses should tell the client the connection ends.
  bool closing() const { return read_closed_ || st_->closing; }

  // -- from exchanges ------------------------------------------------------------

  /// `ex` appended `added` bytes to its output or finished.
  void on_output(exchange& ex, size_t added);
  void count_invalid_headers(size_t n);

protected:
  // -- transport, per socket type -------------------------------------------------
  virtual void handshake() = 0;       ///< ends in on_handshake()
  virtual void read_some() = 0;       ///< into buf_; ends in on_read()
  virtual void write_out() = 0;       ///< all of sending_; ends in on_written()
  virtual void shutdown_send() = 0;   ///< TLS close_notify / TCP FIN, then linger
  virtual void cancel_io() = 0;       ///< aborts a pending read (no write is pending)
  virtual void close_transport() = 0;

  void on_handshake(const asio::error_code& ec);
  void on_read(const asio::error_code& ec, size_t n);
  void on_written(const asio::error_code& ec, size_t n);
  /// Reads and discards what the client still sends after our last
  /// response, so closing does not reset the connection under it.
  void linger_read();

  std::array<char, 16384> buf_;
  std::string sending_; ///< the bytes of the write in flight

private:
  enum class state { handshaking, open, lingering, closed };

  bool can_parse() const;
  void maybe_read();
  void process_input(const char* data, size_t n);
  void dispatch(http_request req);
  void reject(int status, const std::string& reason, bool budget);
  void pump();
  void flush();
  void maybe_shutdown();
  void update_deadline();

  std::shared_ptr<server_state> st_;
  const bool tls_;
  state state_ = state::handshaking;
  request_parser parser_;
  std::deque<std::shared_ptr<exchange>> queue_; ///< requests in order, answered or not
  std::string out_;        ///< response bytes ready, not yet being written
  std::string leftover_;   ///< read but not parsed (paused or too many pipelined)
  size_t buffered_ = 0;    ///< response bytes not yet written, all places
  size_t discarded_ = 0;   ///< bytes read while lingering
  bool reading_ = false;
  bool writing_ = false;
  bool read_closed_ = false;       ///< no further requests are read
  bool close_after_write_ = false; ///< shut down once the output is written
  bool shutdown_started_ = false;
  bool in_request_ = false;        ///< the parser has begun a request
  bool in_body_ = false;           ///< … and finished its headers
  clock_type::time_point request_began_{};
  clock_type::time_point headers_done_{};
  clock_type::time_point idle_since_{};
  clock_type::time_point write_progress_{};
  clock_type::time_point deadline_ = clock_type::time_point::max();
  enum class deadline_kind { none, handshake, header, body, idle, write, linger } kind_ =
    deadline_kind::none;
};

/// Makes the connection for an accepted socket (`tls` null: plain).
std::shared_ptr<connection> make_connection(std::shared_ptr<server_state> st,
                                            asio::ip::tcp::socket socket,
                                            asio::ssl::context* tls);

} // namespace temblor::connectors::http
