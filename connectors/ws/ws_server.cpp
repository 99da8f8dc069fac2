#include "connectors/ws/ws_server.hpp"

#include "connectors/ws/wspp_host.hpp"

#include <websocketpp/server.hpp>

#include <asio/ip/tcp.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connectors/common/config_reader.hpp"
#include "connectors/common/ssl_context.hpp"
#include "connectors/common/url_setting.hpp"
#include "connectors/common/tls_expiry.hpp"
#include "connectors/ws/outbox.hpp"
#include "connectors/ws/resolve.hpp"
#include "connectors/ws/tls_handshake_note.hpp"
#include "connectors/ws/upgrade_check.hpp"

namespace temblor::connectors::ws {

bool ws_server_config::parse(const value& config, std::string& err) {
  if (!common::read_url(config, "ws", url, err))
    return false;
  if (!common::read_optional_uint(config, "backlog", 65535, backlog, err) ||
      !common::read_optional_uint(config, "max_connections", uint64_t{1} << 24, max_connections,
                                  err) ||
      !common::read_optional_uint(config, "idle_timeout_ms", uint64_t{1} << 32, idle_timeout_ms,
                                  err))
    return false;
  if (max_connections == 0) {
    err = "`max_connections` must be greater than 0";
    return false;
  }
  return limits.parse(config, err) && socket.parse(config, err) && tls.parse(config, err);
}

namespace {

using clock = std::chrono::steady_clock;

/// Counter names of the server's own bounds.
constexpr const char* refused_counter = "connections_refused_max";
constexpr const char* idle_counter = "connections_closed_idle";
constexpr const char* handshake_counter = "handshakes_timed_out";

std::shared_ptr<asio::ssl::context> make_server_tls(const common::tls_server_config& tls,
                                                    std::string& err);

std::string address_text(const asio::ip::address& a) {
  return a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
}

/// A connection's remote address as the key of `$ws_server.peer` lookups:
/// 18 bytes (IPv4 mapped into IPv6), where a string key cost a tree node.
struct peer_address {
  std::array<unsigned char, 16> ip{};
  uint16_t port = 0;

  /// The key of `host` (an address as text, as `$ws_server.peer.host`
  /// shows it) and `port`; nothing when `host` is not an address.
  static std::optional<peer_address> parse(const std::string& host, uint16_t port) {
    asio::error_code ec;
    auto a = asio::ip::make_address(host, ec);
    if (ec)
      return std::nullopt;
    peer_address key;
    key.ip = a.is_v4() ? asio::ip::make_address_v6(asio::ip::v4_mapped, a.to_v4()).to_bytes()
                       : a.to_v6().to_bytes();
    key.port = port;
    return key;
  }

  bool operator==(const peer_address& o) const { return ip == o.ip && port == o.port; }

  struct hash {
    size_t operator()(const peer_address& a) const noexcept {
      uint64_t half[2];
      std::memcpy(half, a.ip.data(), sizeof half);
      return static_cast<size_t>((half[0] * 0x9E3779B97F4A7C15ULL) ^ half[1] ^
                                 (uint64_t{a.port} << 48));
    }
  };
};

/// The loop side of one ws_server: the acceptor, every connection, the
/// timers bounding handshakes and idleness. Routing tables are shared with
/// the actor thread under `routes_mtx`.
template <class Config>
class server_core final
  : public wspp_host<server_core<Config>, Config, websocketpp::server<Config>> {
public:
  using host = wspp_host<server_core<Config>, Config, websocketpp::server<Config>>;
  using typename host::connection_ptr;
  using typename host::message_ptr;
  using typename host::peer;
  using typename host::peer_ptr;

  server_core(asio::io_context& io, std::shared_ptr<connector_context> ctx,
              const ws_server_config& cfg, io::blocking_pool* blocking)
    : host(io, std::move(ctx), cfg.limits.partial_message_budget_bytes), cfg_(cfg),
      blocking_(blocking), acceptor_(io), sweep_timer_(io), retry_timer_(io),
      refused_(this->ctx->counter(refused_counter)), idle_closed_(this->ctx->counter(idle_counter)),
      handshake_timeouts_(this->ctx->counter(handshake_counter)),
      connections_open_(this->ctx->gauge("connections_open")),
      handshake_timeout_(std::chrono::milliseconds(cfg.limits.handshake_timeout_ms)),
      idle_timeout_(std::chrono::milliseconds(cfg.idle_timeout_ms)) {}

  // -- loop: listening ---------------------------------------------------------

  void start_listening() {
    if (this->stopping || resolving_)
      return;
    if (acceptor_.is_open()) {
      this->ctx->connected();
      return;
    }
    resolving_ = true;
    resolve_on_pool(this->io, blocking_, cfg_.url.host, cfg_.url.port,
                    [self = this->shared_from_this()](const std::string& err, auto endpoints) {
                      self->listen_on(err, std::move(endpoints));
                    });
  }

  void stop_accepting() {
    asio::error_code ignored;
    acceptor_.close(ignored);
  }

  // -- loop: pause, drain, stop --------------------------------------------------

  void set_paused(bool paused) {
    this->paused = paused;
    for (auto& [stream, p] : live_) {
      if (!p->con || !p->open)
        continue;
      if (paused) {
        p->con->pause_reading();
      } else {
        this->deliver_held(*p);
        p->con->resume_reading();
        // Nothing was read while paused: silence then is ours, not theirs.
        p->heard = clock::now();
      }
    }
  }

  /// Closes the listener and every connection; from here on no context call.
  void shut_down() {
    this->stopping = true;
    stop_accepting();
    sweep_timer_.cancel();
    retry_timer_.cancel();
    std::vector<peer_ptr> all;
    for (auto& [stream, p] : live_)
      all.push_back(p);
    for (auto& p : all) {
      if (!p->con)
        continue;
      websocketpp::lib::error_code ec;
      // Open ones get a close handshake (bounded by its timeout); ones
      // still in their handshake are dropped.
      if (p->open) {
        p->con->set_close_handshake_timeout(closing_grace.count());
        p->con->close(websocketpp::close::status::going_away, "shutting down", ec);
      } else {
        drop_handshake(*p);
      }
    }
  }

  void refresh_all() {
    refresh_posted.store(false, std::memory_order_relaxed);
    for (auto& [stream, p] : live_)
      this->refresh(*p);
  }

  /// `$` of every event connection `p` sends:
  /// `{"ws_server": {"tls": …, "peer": {"host": …, "port": …}}}`.
  value meta_of(const peer& p) const {
    record peer_rec;
    peer_rec.reserve(2);
    peer_rec.push_unchecked("host", value(p.host));
    peer_rec.push_unchecked("port", value(static_cast<uint64_t>(p.port)));
    record server_rec;
    server_rec.reserve(2);
    server_rec.push_unchecked("tls", value(this->tls != nullptr));
    server_rec.push_unchecked("peer", value(std::move(peer_rec)));
    record meta;
    meta.reserve(2); // room for `binary`
    meta.push_unchecked("ws_server", value(std::move(server_rec)));
    return value(std::move(meta));
  }

  // -- shared with the actor thread ----------------------------------------------

  std::mutex routes_mtx;
  std::unordered_map<uint64_t, peer_ptr> open_by_stream;
  /// The open connections by remote address (`$ws_server.peer`); the
  /// entries of open_by_stream own them.
  std::unordered_map<peer_address, peer*, peer_address::hash> open_by_addr;
  std::vector<uint64_t> finished; ///< streams that ended, for the serializer
  std::atomic<bool> has_finished{false};
  std::atomic<bool> breaker_open{false}; ///< we told upstream to stop (no connection)
  std::atomic<bool> refresh_posted{false};

private:
  void listen_on(const std::string& resolve_error,
                 std::vector<asio::ip::tcp::endpoint> endpoints) {
    resolving_ = false;
    if (this->stopping)
      return;
    const std::string where = cfg_.url.authority();
    if (!resolve_error.empty()) {
      this->ctx->connect_failed("cannot listen on " + where + ": " + resolve_error);
      return;
    }
    auto fail = [&](const std::string& why) {
      asio::error_code ignored;
      acceptor_.close(ignored);
      this->ctx->connect_failed("cannot listen on " + where + ": " + why);
    };
    const auto& endpoint = endpoints.front();
    asio::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (ec)
      return fail(ec.message());
    std::string why;
    if (!common::apply_bind_options(acceptor_.native_handle(), cfg_.socket, why))
      return fail(why);
    acceptor_.bind(endpoint, ec);
    if (!ec)
      acceptor_.listen(static_cast<int>(cfg_.backlog), ec);
    if (ec)
      return fail(ec.message());
    auto local = acceptor_.local_endpoint(ec);
    std::string shown = ec ? where : address_text(local.address()) + ":" + std::to_string(local.port());
    this->ctx->log(log_level::info,
                   "listening on " + std::string(this->tls ? "wss://" : "ws://") + shown);
    this->ctx->connected();
    accept_next();
  }

  void accept_next() {
    if (this->stopping || !acceptor_.is_open())
      return;
    connection_ptr con = this->endpoint.get_connection();
    if (!con) {
      // Only a TLS context that went missing gets here; try again shortly.
      this->ctx->log(log_level::error, "cannot create a connection; accepting again in 1 s");
      retry_after(1s);
      return;
    }
    auto p = std::make_shared<peer>(next_stream_++);
    p->con = con;
    acceptor_.async_accept(con->get_raw_socket(),
                           [self = this->shared_from_this(), p](const asio::error_code& ec) {
                             self->on_accept(p, ec);
                           });
  }

  void retry_after(std::chrono::milliseconds wait) {
    retry_timer_.expires_after(wait);
    retry_timer_.async_wait([self = this->shared_from_this()](const asio::error_code& ec) {
      if (!ec)
        self->accept_next();
    });
  }

  void on_accept(const peer_ptr& p, const asio::error_code& ec) {
    if (ec) {
      p->con.reset(); // never started: nothing else refers to it
      if (ec == asio::error::operation_aborted || this->stopping || !acceptor_.is_open())
        return;
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
          ec == asio::error::no_memory) {
        // Out of descriptors: accepting again at once would spin.
        if (!accept_error_logged_)
          this->ctx->log(log_level::warning,
                         "cannot accept connections: " + ec.message() + "; retrying every 100 ms");
        accept_error_logged_ = true;
        retry_after(100ms);
        return;
      }
      accept_next();
      return;
    }
    accept_error_logged_ = false;
    if (live_.size() >= cfg_.max_connections) {
      refuse(*p);
    } else {
      start_connection(p);
    }
    accept_next();
  }

  void refuse(peer& p) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    if (!max_logged_)
      this->ctx->log(log_level::warning,
                     "`max_connections` (" + std::to_string(cfg_.max_connections) +
                         ") reached: refusing new connections until one closes");
    max_logged_ = true;
    asio::error_code ignored;
    p.con->get_raw_socket().close(ignored);
    p.con.reset();
  }

  void start_connection(const peer_ptr& p) {
    const connection_ptr& con = p->con;
    asio::error_code ec;
    auto remote = con->get_raw_socket().remote_endpoint(ec);
    if (ec) {
      p->con.reset(); // gone already
      return;
    }
    if (cfg_.socket.no_delay) {
      std::string err;
      if (!common::apply_no_delay(con->get_raw_socket().native_handle(), true, err))
        this->ctx->log(log_level::warning, err);
    }
    p->host = remote.address().to_string();
    p->port = remote.port();

    // Every handler runs while the connection lives, and the connection
    // keeps the core and its peer alive through its termination handler:
    // the others may hold plain pointers (which std::function stores inline).
    server_core* core = this;
    peer* raw = p.get();
    con->set_validate_handler([core, raw](websocketpp::connection_hdl) {
      return core->on_validate(*raw);
    });
    con->set_open_handler([core, raw](websocketpp::connection_hdl) { core->on_open(*raw); });
    con->set_close_handler([core, raw](websocketpp::connection_hdl) { core->on_close(*raw); });
    con->set_message_handler([core, raw](websocketpp::connection_hdl, message_ptr msg) {
      core->on_message(*raw, msg);
    });
    if constexpr (std::is_same_v<Config, tls_config>) {
      con->set_tcp_pre_init_handler([raw](websocketpp::connection_hdl) {
        if (raw->con)
          record_tls_failure(raw->con->get_socket().native_handle());
      });
    }
    con->set_ping_handler([raw](websocketpp::connection_hdl, std::string) {
      raw->heard = clock::now();
      return true; // websocketpp answers with a pong
    });
    con->set_pong_handler([raw](websocketpp::connection_hdl, std::string) {
      raw->heard = clock::now();
      raw->pinged = false;
    });
    con->set_termination_handler(
        [self = this->shared_from_this(), p](connection_ptr) { self->on_terminated(p); });
    this->charge_messages_of(con, p);

    live_.emplace(p->stream, p);
    connections_open_.store(live_.size(), std::memory_order_relaxed);
    handshakes_.push_back(pending_handshake{clock::now() + handshake_timeout_, p});
    arm_sweep();
    con->start();
  }

  // -- loop: connection events -------------------------------------------------

  bool on_validate(peer& p) {
    header_list headers;
    for (const auto& [name, value] : p.con->get_request().get_headers())
      headers.emplace_back(name, value);
    upgrade_refusal refusal = check_upgrade_request(headers);
    if (refusal.status == 0)
      return true;
    p.con->set_status(refusal.status == 426 ? websocketpp::http::status_code::upgrade_required
                                            : websocketpp::http::status_code::bad_request);
    if (refusal.offer_version_13)
      p.con->replace_header("Sec-WebSocket-Version", "13");
    p.con->set_body(refusal.reason + "\n");
    if (!this->stopping)
      this->ctx->log(log_level::debug, "refused a handshake (" + std::to_string(refusal.status) +
                                           "): " + refusal.reason);
    return false;
  }

  void on_open(peer& p) {
    p.open = true;
    p.heard = clock::now();
    if (this->stopping)
      return;
    if (this->paused)
      p.con->pause_reading();
    peer_ptr shared = live_.at(p.stream);
    {
      std::lock_guard<std::mutex> guard(routes_mtx);
      open_by_stream.emplace(p.stream, shared);
      if (auto key = peer_address::parse(p.host, p.port))
        open_by_addr.emplace(*key, shared.get());
    }
    if (breaker_open.exchange(false))
      this->ctx->circuit_breaker(true);
  }

  /// An open connection ended (by either side or a timeout).
  void on_close(peer& p) {
    p.closed = true;
    this->deliver_held(p); // what was read belongs before the stream's end
    {
      std::lock_guard<std::mutex> guard(routes_mtx);
      if (auto key = peer_address::parse(p.host, p.port))
        open_by_addr.erase(*key);
      open_by_stream.erase(p.stream);
      finished.push_back(p.stream);
      has_finished.store(true, std::memory_order_release);
    }
    if (!this->stopping)
      this->ctx->stream_finished(p.stream);
  }

  /// Last event of every started connection, open or not.
  void on_terminated(const peer_ptr& p) {
    if (!p->open && !this->stopping && p->con) {
      std::string why = p->con->get_ec().message();
      if constexpr (std::is_same_v<Config, tls_config>) {
        const std::string tls_failure = tls_failure_of(p->con->get_socket().native_handle());
        if (!tls_failure.empty())
          why += " (" + tls_failure + ")";
      }
      this->ctx->log(log_level::debug, "handshake failed: " + why);
    }
    p->closed = true;
    p->con.reset(); // breaks peer -> connection -> handler -> peer
    live_.erase(p->stream);
    connections_open_.store(live_.size(), std::memory_order_relaxed);
    if (max_logged_ && live_.size() < cfg_.max_connections)
      max_logged_ = false;
  }

  // -- loop: timeouts ------------------------------------------------------------

  struct pending_handshake {
    clock::time_point deadline;
    std::weak_ptr<peer> who;
  };

  /// One timer per server bounds every handshake (a FIFO, since all share
  /// one timeout) and checks idleness; it runs only while there are
  /// connections, and is moved earlier when a handshake is due first.
  void arm_sweep() {
    if (this->stopping)
      return;
    auto due = clock::time_point::max();
    if (!handshakes_.empty())
      due = handshakes_.front().deadline;
    if (idle_timeout_.count() > 0 && !live_.empty())
      due = std::min(due, std::max(next_idle_check_, clock::now()));
    if (due == clock::time_point::max() || (sweep_armed_ && sweep_due_ <= due))
      return;
    sweep_armed_ = true;
    sweep_due_ = due;
    const uint64_t generation = ++sweep_generation_;
    sweep_timer_.expires_at(due); // cancels a later wait, whose handler then sees another generation
    sweep_timer_.async_wait(
        [self = this->shared_from_this(), generation](const asio::error_code& ec) {
          if (generation != self->sweep_generation_)
            return;
          self->sweep_armed_ = false;
          if (!ec && !self->stopping)
            self->sweep();
        });
  }

  void sweep() {
    const auto now = clock::now();
    while (!handshakes_.empty() && handshakes_.front().deadline <= now) {
      auto p = handshakes_.front().who.lock();
      handshakes_.pop_front();
      if (!p || p->open || !p->con)
        continue;
      handshake_timeouts_.fetch_add(1, std::memory_order_relaxed);
      this->ctx->log(log_level::debug, "closing a connection whose handshake took longer than " +
                                           std::to_string(cfg_.limits.handshake_timeout_ms) + " ms");
      drop_handshake(*p);
    }
    // Entries of connections that opened or died meanwhile go when they reach the front.
    while (!handshakes_.empty()) {
      auto p = handshakes_.front().who.lock();
      if (p && !p->open && p->con)
        break;
      handshakes_.pop_front();
    }
    if (idle_timeout_.count() > 0 && now >= next_idle_check_) {
      next_idle_check_ = now + idle_timeout_ / 4;
      if (!this->paused) // we read nothing while paused, so silence proves nothing
        check_idle(now);
    }
    arm_sweep();
  }

  void check_idle(clock::time_point now) {
    std::vector<peer_ptr> idle;
    for (auto& [stream, p] : live_) {
      if (!p->open || !p->con || p->closing)
        continue;
      const auto silent = now - p->last_heard();
      if (silent >= idle_timeout_) {
        idle.push_back(p);
      } else if (silent >= idle_timeout_ / 2 && !p->pinged) {
        // A live peer answers (RFC 6455 §5.5.2), which counts as activity.
        websocketpp::lib::error_code ec;
        p->con->ping("", ec);
        p->pinged = true;
      }
    }
    for (auto& p : idle) {
      p->closing = true;
      idle_closed_.fetch_add(1, std::memory_order_relaxed);
      this->ctx->log(log_level::debug, "closing stream " + std::to_string(p->stream) +
                                           ": silent for " +
                                           std::to_string(cfg_.idle_timeout_ms) + " ms");
      // It did not even answer a ping: do not wait long for its close frame.
      websocketpp::lib::error_code ec;
      p->con->set_close_handshake_timeout(closing_grace.count());
      p->con->close(websocketpp::close::status::going_away, "idle timeout", ec);
    }
  }

  /// Ends a connection still in its handshake. Closing the socket cancels
  /// whatever is pending (a TLS handshake in particular, which websocketpp's
  /// terminate() would leave running until its own 5 s timer).
  void drop_handshake(peer& p) {
    asio::error_code ignored;
    p.con->get_raw_socket().close(ignored);
  }

  // -- state (loop thread) -------------------------------------------------------

  const ws_server_config cfg_;
  io::blocking_pool* blocking_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer sweep_timer_;
  asio::steady_timer retry_timer_;
  std::atomic<uint64_t>& refused_;
  std::atomic<uint64_t>& idle_closed_;
  std::atomic<uint64_t>& handshake_timeouts_;
  std::atomic<uint64_t>& connections_open_; ///< gauge: live_.size()
  const clock::duration handshake_timeout_;
  const clock::duration idle_timeout_;

  /// Every accepted connection until it terminates, by stream.
  std::unordered_map<uint64_t, peer_ptr> live_;
  std::deque<pending_handshake> handshakes_;
  clock::time_point next_idle_check_ = clock::now() + idle_timeout_ / 4;
  uint64_t next_stream_ = 0;
  bool resolving_ = false;
  bool sweep_armed_ = false;
  clock::time_point sweep_due_;
  uint64_t sweep_generation_ = 0;
  bool max_logged_ = false;
  bool accept_error_logged_ = false;
};

template <class Config>
class ws_server_impl final : public connector {
public:
  using core_type = server_core<Config>;
  using peer_ptr = typename core_type::peer_ptr;

  ws_server_impl(const connector_args& args, ws_server_config cfg)
    : ctx_(args.context), source_id_(args.source_id), cfg_(std::move(cfg)),
      slow_peer_(ctx_->counter(counters::slow_peer)) {}

  ~ws_server_impl() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }

  bool check(std::string& err) const override {
    if (!cfg_.tls.enabled)
      return true;
    auto tls = make_server_tls(cfg_.tls, err);
    if (!tls)
      return false;
    warn_about_validity(*tls);
    return true;
  }

  // -- lifecycle -------------------------------------------------------------

  void start(const start_args& args) override {
    linked_ = args.sink_linked;
    core_ = std::make_shared<core_type>(args.services.io->next(), ctx_, cfg_,
                                        args.services.blocking);
    init_ok_ = core_->init("server", init_error_);
  }

  void connect() override {
    if (stopped_ || !core_)
      return;
    if (!init_ok_) {
      ctx_->connect_failed(init_error_);
      return;
    }
    std::shared_ptr<asio::ssl::context> tls;
    if (cfg_.tls.enabled && !tls_loaded_) {
      // Read at each connect until they load: a bad file fails this
      // connector (and its flow) through the reconnect policy, not the load.
      std::string err;
      tls = make_server_tls(cfg_.tls, err);
      if (!tls) {
        ctx_->connect_failed(err);
        return;
      }
      warn_about_validity(*tls);
      tls_loaded_ = true;
    }
    core_->post([tls](core_type& c) {
      if (tls)
        c.use_tls(tls);
      c.start_listening();
    });
  }

  void pause() override {
    if (!stopped_ && core_)
      core_->post([](core_type& c) { c.set_paused(true); });
  }
  void resume() override {
    if (!stopped_ && core_)
      core_->post([](core_type& c) { c.set_paused(false); });
  }

  void drain() override {
    // Like Tremor's quiescence: no new connections, existing ones keep going.
    if (!stopped_ && core_)
      core_->post([](core_type& c) { c.stop_accepting(); });
  }

  void stop() override {
    if (stopped_)
      return;
    stopped_ = true;
    if (!core_)
      return;
    if (!run_on_loop(core_->io, [core = core_] { core->shut_down(); }))
      ctx_->log(log_level::warning, "the event loop did not confirm the stop within 5 s");
    core_.reset();
  }

  // -- sink ------------------------------------------------------------------

  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    if (!core_)
      return sink_outcome::failed;
    forget_finished_streams(ser);
    if (!linked_ || stopped_)
      return sink_outcome::failed;
    targets_.clear();
    bool none_connected = false;
    {
      std::lock_guard<std::mutex> guard(core_->routes_mtx);
      none_connected = core_->open_by_stream.empty();
      if (!none_connected)
        find_targets(ev);
    }
    if (none_connected) {
      // Tremor's server: no connection at all means upstream should stop
      // sending until a client connects again.
      if (!core_->breaker_open.exchange(true))
        ctx_->circuit_breaker(false);
      return sink_outcome::failed;
    }
    if (targets_.empty())
      return sink_outcome::failed;
    const bool binary = outbox::wants_binary(ev);
    bool ok = true;
    for (auto& target : targets_) {
      frames_.clear();
      if (!ser.serialize(target->stream, ev.payload, ev.ingest_ns, frames_, err_)) {
        ctx_->log(log_level::error, "cannot serialize a reply: " + err_);
        ok = false;
        continue;
      }
      size_t total = 0;
      if (!outbox::sendable(frames_, binary, total)) {
        ctx_->log(log_level::error, outbox::not_utf8_text);
        ok = false;
        continue;
      }
      if (!outbox::has_room(*target, total)) {
        refuse_slow(*target);
        ok = false;
        continue;
      }
      for (auto& frame : frames_)
        batch_.push_back(outbox::make_frame(target, std::move(frame), binary, nullptr));
    }
    // Guaranteed delivery: a transactional event is acked once its last
    // frame reaches its connection, and failed if the connection goes first.
    const bool track = ok && ev.transactional && !batch_.empty();
    if (track)
      batch_.back().completes = ev.id;
    if (!batch_.empty() && core_->out.push(batch_))
      core_->post([](core_type& c) { c.send_pending(); });
    if (!ok)
      return sink_outcome::failed;
    return track ? sink_outcome::pending : sink_outcome::done;
  }

private:
  /// The client reads slower than we write: fail instead of growing memory,
  /// count it, and let the loop look at the queues again.
  void refuse_slow(const send_state& target) {
    const uint64_t n = slow_peer_.fetch_add(1, std::memory_order_relaxed) + 1;
    if ((n & (n - 1)) == 0) // the 1st, 2nd, 4th, 8th… time
      ctx_->log(log_level::warning, "stream " + std::to_string(target.stream) +
                                        " reads too slowly: reply failed (" + std::to_string(n) +
                                        " so far, counter `" + counters::slow_peer + "`)");
    if (!core_->refresh_posted.exchange(true))
      core_->post([](core_type& c) { c.refresh_all(); });
  }

  void warn_about_validity(asio::ssl::context& tls) const {
    std::string warning = common::certificate_validity_warning(tls.native_handle(), cfg_.tls.cert);
    if (!warning.empty())
      ctx_->log(log_level::warning, "tls: " + warning);
  }

  /// Fills `targets_` (under routes_mtx): the connection named by
  /// `$ws_server.peer`, else every connection the event came from.
  void find_targets(const event& ev) {
    if (const value* ws = ev.meta.get("ws_server")) {
      if (const value* pr = ws->get("peer")) {
        const value* host = pr->get("host");
        const value* port = pr->get("port");
        uint64_t port_n = 0;
        if (host != nullptr && host->is_string() && port != nullptr && port->get_u64(port_n) &&
            port_n <= 65535) {
          const auto key = peer_address::parse(host->as_string(), static_cast<uint16_t>(port_n));
          auto it = key ? core_->open_by_addr.find(*key) : core_->open_by_addr.end();
          if (it != core_->open_by_addr.end()) {
            targets_.push_back(core_->open_by_stream.at(it->second->stream));
            return;
          }
        }
      }
    }
    for (const auto& o : ev.id.origins()) {
      if (o.source != source_id_)
        continue;
      auto it = core_->open_by_stream.find(o.stream);
      if (it == core_->open_by_stream.end())
        continue;
      bool seen = false;
      for (auto& t : targets_)
        seen = seen || t->stream == o.stream;
      if (!seen)
        targets_.push_back(it->second);
    }
  }

  void forget_finished_streams(serializer& ser) {
    if (!core_->has_finished.load(std::memory_order_acquire))
      return;
    {
      std::lock_guard<std::mutex> guard(core_->routes_mtx);
      finished_swap_.swap(core_->finished);
      core_->has_finished = false;
    }
    for (auto stream : finished_swap_) {
      // The connection is gone, so whatever the framing still held cannot
      // be sent anywhere.
      frames_.clear();
      ser.finish_stream(stream, frames_);
    }
    finished_swap_.clear();
  }

  // -- state (actor thread) --------------------------------------------------

  std::shared_ptr<connector_context> ctx_;
  uint64_t source_id_;
  const ws_server_config cfg_;
  std::atomic<uint64_t>& slow_peer_;
  std::shared_ptr<core_type> core_;
  bool init_ok_ = false;
  std::string init_error_;
  bool linked_ = false;
  bool stopped_ = false;
  bool tls_loaded_ = false;

  // scratch, kept to avoid per-event allocations
  std::vector<peer_ptr> targets_;
  std::vector<std::string> frames_;
  std::vector<outgoing_frame> batch_;
  std::vector<uint64_t> finished_swap_;
  std::string err_;
};

// Builds the server's TLS context from the certificate and key files; null
// with `err` naming the key and file when one is missing or broken. Unlike
// common::make_tls_server_context, `err` starts with the key ("`tls.cert`: …"),
// as ws_server's messages always have.
std::shared_ptr<asio::ssl::context> make_server_tls(const common::tls_server_config& tls,
                                                    std::string& err) {
  auto ctx = common::new_tls_server_context(err);
  if (!ctx)
    return nullptr;
  if (!common::setup_server_context(ctx->native_handle(), tls, err)) {
    return nullptr; // `err` names the `tls` key and the file
  }
  return ctx;
}

std::unique_ptr<connector> make_ws_server(const connector_args& args, std::string& err) {
  ws_server_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  if (cfg.url.scheme == "wss" && !cfg.tls.enabled && args.context)
    // Tremor's rule: only `tls` turns TLS on. Say so, since clients
    // dialling wss:// will fail their handshake against plaintext.
    args.context->log(log_level::warning,
                      "`url` says wss:// but no `tls` is configured: serving plaintext WebSocket "
                      "(add `tls` with `cert` and `key` to serve TLS)");
  if (!cfg.tls.enabled)
    return std::make_unique<ws_server_impl<plain_config>>(args, std::move(cfg));
  return std::make_unique<ws_server_impl<tls_config>>(args, std::move(cfg));
}

} // namespace

const connector_descriptor& ws_server_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "ws_server";
    d.summary = "WebSocket server (optionally TLS); each connection is a stream, replies go back to it";
    d.config = {
      required_key("url", value_types::string, "`host:port` or `ws://host:port`; the `wss` scheme alone does not enable TLS (`tls` does)."),
      common::tls_server_field(),
      optional_key("backlog", value_types::unsigned_int, 128, "Pending connections the kernel queues."),
      optional_key("max_connections", value_types::unsigned_int, 16384, "Connections (open or in their handshake) beyond which new ones are closed at once, logged and counted in `connections_refused_max`; keep it below the process's file descriptor limit."),
      optional_key("idle_timeout_ms", value_types::unsigned_int, 60000, "A connection that sent nothing for half of this is pinged; one silent for all of it (no pong either) is closed and counted in `connections_closed_idle`. 0 keeps idle connections forever."),
      handshake_timeout_field(),
      partial_message_budget_field(),
      common::socket_options_field(),
      common::no_delay_field(),
    };
    d.make = &make_ws_server;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::ws
