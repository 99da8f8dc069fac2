#pragma once

// What ws_client and ws_server share on their event loop: a websocketpp
// endpoint bound to one loop of the shared I/O pool, the connections it
// made, message delivery (held while paused), the send path and the
// memory budget. Private to connectors/ws.
//
// Ownership: the connector holds its core (a wspp_host subclass) through a
// shared_ptr, and so does every handler that may still run on the loop:
// posted jobs, timers, and each connection (its termination handler). stop()
// runs shut_down() on the loop and returns; the core dies with the last
// connection, once its close handshake or timeout is over.

#include "connectors/ws/wspp_config.hpp"

#include <websocketpp/connection.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/ws/outbox.hpp"

namespace temblor::connectors::ws {

using namespace std::chrono_literals;

/// How long a close handshake we start may take when the peer has shown it
/// is not answering (idle, over budget) or we are stopping; websocketpp's
/// default is 5 s.
inline constexpr std::chrono::milliseconds closing_grace = 1000ms;

/// Runs `job` on `io` and waits until it ran (at most `limit`); runs it at
/// once when called on that loop. False when the loop did not get to it in
/// time (it may still run later).
inline bool run_on_loop(asio::io_context& io, std::function<void()> job,
                        std::chrono::milliseconds limit = 5s) {
  if (io.get_executor().running_in_this_thread()) {
    job();
    return true;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto ready = done->get_future();
  asio::post(io, [job = std::move(job), done] {
    try {
      job();
    } catch (...) {
      // reported below as a late loop; the job's own handlers log details
    }
    done->set_value();
  });
  return ready.wait_for(limit) == std::future_status::ready;
}

/// Names of the counters every ws connector keeps (`ctx->counter`).
namespace counters {
/// write() refused an event: the peer's queue was full (it reads too slowly).
inline constexpr const char* slow_peer = "writes_failed_slow_peer";
/// Frames accepted by write() whose connection ended before they went out.
inline constexpr const char* lost_on_close = "frames_lost_connection_closed";
/// Connections closed with 1009 for overdrawing the partial-message budget.
inline constexpr const char* over_budget = "connections_closed_over_budget";
} // namespace counters

/// One WebSocket connection as both threads see it.
template <class Config>
struct ws_peer : send_state {
  using connection_ptr = typename websocketpp::connection<Config>::ptr;
  using clock = std::chrono::steady_clock;

  explicit ws_peer(uint64_t stream_id) : send_state(stream_id) {}

  // Loop thread only.
  connection_ptr con;     ///< reset once the connection is over
  /// The remote end (server side), kept compactly: the `$` record of its
  /// events is built per message, not held by every idle connection.
  std::string host;
  uint16_t port = 0;
  bool open = false;      ///< the WebSocket handshake completed
  bool pinged = false;    ///< an idle check sent a ping not yet answered
  bool closing = false;   ///< we started its close handshake
  clock::time_point heard = clock::now(); ///< last message (or ping, pong) received
  std::shared_ptr<budget_link> link; ///< its messages' share of the budget

  /// When the peer last sent anything, parts of a long message included.
  clock::time_point last_heard() const {
    return link && link->last_chunk > heard ? link->last_chunk : heard;
  }
  /// Messages read while paused (websocketpp finishes the read it started),
  /// handed over on resume.
  std::vector<std::pair<std::string, bool>> held;
};

/// The loop side of a ws connector; `Derived` is the server or client core.
template <class Derived, class Config, class Endpoint>
class wspp_host : public std::enable_shared_from_this<Derived> {
public:
  using endpoint_type = Endpoint;
  using connection_ptr = typename Endpoint::connection_ptr;
  using message_ptr = typename Endpoint::message_ptr;
  using peer = ws_peer<Config>;
  using peer_ptr = std::shared_ptr<peer>;

  /// `role` names the endpoint in errors ("client", "server").
  wspp_host(asio::io_context& io, std::shared_ptr<connector_context> ctx, size_t budget_bytes)
    : io(io), ctx(std::move(ctx)), budget(std::make_shared<message_budget>(budget_bytes)),
      lost_on_close(this->ctx->counter(counters::lost_on_close)),
      over_budget(this->ctx->counter(counters::over_budget)) {}
  virtual ~wspp_host() = default;
  wspp_host(const wspp_host&) = delete;
  wspp_host& operator=(const wspp_host&) = delete;

  /// Binds the endpoint to the loop (actor thread, before anything runs on
  /// the loop). False with `err` when Asio refuses.
  bool init(const char* role, std::string& err) {
    std::string why;
    if (!init_endpoint(endpoint, io, why)) {
      err = std::string("cannot initialize the WebSocket ") + role + ": " + why;
      return false;
    }
    return true;
  }

  /// Sets the TLS context every later connection uses (loop thread).
  void use_tls(std::shared_ptr<asio::ssl::context> context) {
    tls = std::move(context);
    if constexpr (std::is_same_v<Config, tls_config>) {
      endpoint.set_tls_init_handler([context = tls](websocketpp::connection_hdl) { return context; });
    }
  }

  /// Runs `job(core)` on the loop, keeping the core alive until it ran.
  template <class Job>
  void post(Job job) {
    asio::post(io, [self = this->shared_from_this(), job = std::move(job)]() mutable { job(*self); });
  }

  // -- loop: receiving ---------------------------------------------------------

  void on_message(peer& p, message_ptr& msg) {
    if (stopping || msg->dropped())
      return;
    p.heard = peer::clock::now();
    p.pinged = false;
    const bool binary = msg->get_opcode() == websocketpp::frame::opcode::binary;
    if (paused) {
      p.held.emplace_back(msg->take_payload(), binary);
      return;
    }
    deliver(p, msg->take_payload(), binary);
  }

  void deliver(peer& p, std::string data, bool binary) {
    value meta = static_cast<Derived&>(*this).meta_of(p);
    if (binary)
      meta.set("binary", true);
    ctx->receive_bytes(p.stream, std::move(data), std::move(meta));
  }

  void deliver_held(peer& p) {
    if (stopping)
      return;
    for (auto& [data, binary] : p.held)
      deliver(p, std::move(data), binary);
    p.held.clear();
  }

  /// Links `con`'s incoming messages to the budget; overdrawing it closes
  /// `p` with 1009.
  void charge_messages_of(const connection_ptr& con, const peer_ptr& p) {
    auto link = std::make_shared<budget_link>(budget);
    p->link = link;
    std::weak_ptr<Derived> weak_self = this->shared_from_this();
    std::weak_ptr<peer> weak_peer = p;
    link->on_exceeded = [io = &io, weak_self, weak_peer] {
      // Called from inside websocketpp's parser: close on the next turn.
      asio::post(*io, [weak_self, weak_peer] {
        auto self = weak_self.lock();
        auto pr = weak_peer.lock();
        if (self && pr)
          self->close_over_budget(*pr);
      });
    };
    attach_budget(con, std::move(link));
  }

  void close_over_budget(peer& p) {
    over_budget.fetch_add(1, std::memory_order_relaxed);
    p.closing = true;
    if (!stopping)
      ctx->log(log_level::warning,
               "closing stream " + std::to_string(p.stream) +
                   " (1009): its unfinished messages would exceed the connector's budget of " +
                   std::to_string(budget->limit()) + " bytes (`partial_message_budget_bytes`)");
    if (!p.con)
      return;
    websocketpp::lib::error_code ec;
    p.con->set_close_handshake_timeout(closing_grace.count());
    p.con->close(websocketpp::close::status::message_too_big, "message budget exceeded", ec);
  }

  // -- loop: sending -----------------------------------------------------------

  /// Hands every frame write() queued to its connection.
  void send_pending() {
    out.take(sending_);
    for (auto& f : sending_) {
      auto& p = static_cast<peer&>(*f.target);
      p.posted.fetch_sub(f.data.size(), std::memory_order_relaxed);
      if (!p.con || !p.open || stopping) {
        lost(f);
        continue;
      }
      auto msg = std::make_shared<budgeted_message>(
          nullptr, f.binary ? websocketpp::frame::opcode::binary : websocketpp::frame::opcode::text,
          0);
      msg->set_prepared_frame(std::move(f.header), std::move(f.data));
      auto ec = p.con->send(msg);
      if (ec) {
        lost(f);
        websocketpp::lib::error_code ignored;
        p.con->terminate(ignored);
        continue;
      }
      if (f.completes && !stopping)
        ctx->ack(*f.completes);
      p.buffered.store(p.con->get_buffered_amount(), std::memory_order_relaxed);
    }
    sending_.clear();
    if (lost_now_ > 0) {
      // Accepted by write() but never handed to the socket: counted and
      // said, not silent (transactional ones were failed in lost()).
      if (!stopping)
        ctx->log(log_level::warning, std::to_string(lost_now_) +
                                         " frame(s) were not sent: their connection closed first");
      lost_now_ = 0;
    }
  }

  /// Updates every peer's view of its send queue (posted after a refusal).
  void refresh(peer& p) {
    if (p.con)
      p.buffered.store(p.con->get_buffered_amount(), std::memory_order_relaxed);
  }

  // -- state -------------------------------------------------------------------

  asio::io_context& io;
  const std::shared_ptr<connector_context> ctx;
  Endpoint endpoint;
  std::shared_ptr<asio::ssl::context> tls;
  const std::shared_ptr<message_budget> budget;
  /// Frames from the actor thread; shared, mutex-guarded.
  outbox out;
  std::atomic<uint64_t>& lost_on_close;
  std::atomic<uint64_t>& over_budget;

  // Loop thread only.
  bool stopping = false; ///< set by shut_down(): no more context calls
  bool paused = true;    ///< nothing is read before the first resume()

private:
  void lost(outgoing_frame& f) {
    lost_on_close.fetch_add(1, std::memory_order_relaxed);
    ++lost_now_;
    if (f.completes && !stopping)
      ctx->fail(*f.completes);
  }

  std::vector<outgoing_frame> sending_;
  uint64_t lost_now_ = 0;
};

} // namespace temblor::connectors::ws
