#include "connectors/ws/ws_client.hpp"

#include "connectors/ws/wspp_host.hpp"

#include <websocketpp/client.hpp>

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "connectors/common/ssl_context.hpp"
#include "connectors/common/url_setting.hpp"
#include "connectors/ws/outbox.hpp"
#include "connectors/ws/resolve.hpp"
#include "connectors/ws/tls_handshake_note.hpp"

namespace temblor::connectors::ws {

bool ws_client_config::parse(const value& config, std::string& err) {
  if (!common::read_url_with_port(config, "ws", "ws_client", url, err))
    return false;
  return limits.parse(config, err) && socket.parse(config, err) && tls.parse(config, err);
}

namespace {

std::shared_ptr<asio::ssl::context> make_client_tls(const common::tls_client_config& tls,
                                                    std::string& err);

std::string close_text(websocketpp::close::status::value code, const std::string& reason) {
  if (code == websocketpp::close::status::no_status)
    return "no status code";
  return std::to_string(code) + (reason.empty() ? "" : " " + reason);
}

/// The loop side of one ws_client: one connection attempt at a time, the
/// open connection, its timeout.
template <class Config>
class client_core final
  : public wspp_host<client_core<Config>, Config, websocketpp::client<Config>> {
public:
  using host = wspp_host<client_core<Config>, Config, websocketpp::client<Config>>;
  using typename host::connection_ptr;
  using typename host::message_ptr;
  using typename host::peer;
  using typename host::peer_ptr;
  using transport_connection = typename Config::transport_type::transport_con_type;

  client_core(asio::io_context& io, std::shared_ptr<connector_context> ctx,
              const ws_client_config& cfg, io::blocking_pool* blocking)
    : host(io, std::move(ctx), cfg.limits.partial_message_budget_bytes),
      uri(std::string(cfg.tls.enabled ? "wss://" : "ws://") + cfg.url.authority() + cfg.url.path),
      cfg_(cfg), blocking_(blocking), timer_(io) {
    verify_name_ = cfg_.tls.domain.empty() ? cfg_.url.host : cfg_.tls.domain;
    record peer_rec{{"host", cfg_.url.host}, {"port", static_cast<uint64_t>(cfg_.url.port)}};
    record client_rec{{"tls", cfg_.tls.enabled}, {"peer", std::move(peer_rec)}};
    meta_ = value(record{{"ws_client", std::move(client_rec)}});
  }

  /// `$` of every event the connection sends (the same for each).
  const value& meta_of(const peer&) const { return meta_; }

  // -- loop: connecting ----------------------------------------------------------

  void start_attempt() {
    if (this->stopping)
      return;
    drop_connection();
    const uint64_t attempt = ++attempt_;
    attempt_done_ = false;
    websocketpp::lib::error_code ec;
    connection_ptr con = this->endpoint.get_connection(uri, ec);
    if (ec) {
      finish_attempt(attempt, "cannot connect to " + uri + ": " + ec.message());
      return;
    }
    auto p = std::make_shared<peer>(0);
    p->con = con;
    set_handlers(con, p, attempt);
    this->charge_messages_of(con, p);
    current_ = p;
    started_ = false;
    timer_.expires_after(std::chrono::milliseconds(cfg_.limits.handshake_timeout_ms));
    timer_.async_wait([self = this->shared_from_this(), attempt](const asio::error_code& tec) {
      if (tec || attempt != self->attempt_ || self->attempt_done_)
        return;
      self->finish_attempt(attempt, "connecting to " + self->uri + " timed out after " +
                                        std::to_string(self->cfg_.limits.handshake_timeout_ms) +
                                        " ms");
      self->drop_connection();
    });
    resolve_on_pool(this->io, blocking_, cfg_.url.host, cfg_.url.port,
                    [self = this->shared_from_this(), attempt](const std::string& err,
                                                               auto endpoints) {
                      self->on_resolved(attempt, err, std::move(endpoints));
                    });
  }

  void set_paused(bool paused) {
    this->paused = paused;
    if (!current_ || !current_->open || !current_->con)
      return;
    if (paused) {
      current_->con->pause_reading();
    } else {
      this->deliver_held(*current_);
      current_->con->resume_reading();
    }
  }

  /// Closes the connection; from here on no context call.
  void shut_down() {
    this->stopping = true;
    ++attempt_; // late handlers of the current attempt must stay quiet
    timer_.cancel();
    drop_connection();
  }

  void refresh_current() {
    refresh_posted.store(false, std::memory_order_relaxed);
    if (current_)
      this->refresh(*current_);
  }

  // -- shared with the actor thread ----------------------------------------------

  std::mutex state_mtx;
  peer_ptr connected_peer; ///< set while connected (under state_mtx)
  std::atomic<bool> finished_pending{false};
  std::atomic<bool> refresh_posted{false};
  const std::string uri;

private:
  void set_handlers(const connection_ptr& con, const peer_ptr& p, uint64_t attempt) {
    // The termination handler keeps the core and peer alive for as long as
    // the connection lives; the other handlers may hold plain pointers.
    client_core* core = this;
    peer* raw = p.get();
    if constexpr (std::is_same_v<Config, tls_config>) {
      // After websocketpp set SNI to the url host, before the TLS handshake:
      // the name to send and verify may be `tls.domain` instead.
      con->set_tcp_pre_init_handler([core, raw](websocketpp::connection_hdl) {
        if (!raw->con)
          return;
        SSL* ssl = raw->con->get_socket().native_handle();
        std::string err;
        if (!common::setup_client_session(ssl, core->verify_name_, err))
          core->setup_error_ = err;
        record_tls_failure(ssl);
      });
    }
    con->set_open_handler([core, attempt](websocketpp::connection_hdl) { core->on_open(attempt); });
    con->set_fail_handler([core, raw, attempt](websocketpp::connection_hdl) {
      core->on_fail(attempt, *raw);
    });
    con->set_close_handler([core, raw, attempt](websocketpp::connection_hdl) {
      core->on_close(attempt, *raw);
    });
    con->set_message_handler([core, raw](websocketpp::connection_hdl, message_ptr msg) {
      if (raw == core->current_.get())
        core->on_message(*raw, msg);
    });
    con->set_termination_handler([self = this->shared_from_this(), p](connection_ptr) {
      p->closed = true;
      p->con.reset(); // breaks peer -> connection -> handler -> peer
    });
  }

  void on_resolved(uint64_t attempt, const std::string& err,
                   std::vector<asio::ip::tcp::endpoint> endpoints) {
    if (attempt != attempt_ || attempt_done_ || this->stopping || !current_ || !current_->con)
      return;
    if (!err.empty()) {
      finish_attempt(attempt, "cannot connect to " + uri + ": " + err);
      drop_connection();
      return;
    }
    connection_ptr con = current_->con;
    // The handler holds the connection: its socket is what async_connect uses.
    asio::async_connect(con->get_raw_socket(), endpoints,
                        [self = this->shared_from_this(), attempt,
                         con](const asio::error_code& ec, const asio::ip::tcp::endpoint&) {
                          self->on_tcp_connected(attempt, con, ec);
                        });
  }

  void on_tcp_connected(uint64_t attempt, const connection_ptr& con, const asio::error_code& ec) {
    if (attempt != attempt_ || attempt_done_ || this->stopping)
      return;
    if (ec) {
      finish_attempt(attempt, "cannot connect to " + uri + ": " + ec.message());
      drop_connection();
      return;
    }
    if (cfg_.socket.no_delay) {
      std::string err;
      if (!common::apply_no_delay(con->get_raw_socket().native_handle(), true, err))
        this->ctx->log(log_level::warning, err);
    }
    // websocketpp's own connect would have told the transport the URI (TLS
    // takes SNI from it) before starting.
    static_cast<transport_connection&>(*con).set_uri(con->get_uri());
    setup_error_.clear();
    started_ = true;
    con->start();
  }

  /// Reports a failed attempt exactly once.
  void finish_attempt(uint64_t attempt, std::string reason) {
    if (attempt != attempt_ || attempt_done_)
      return;
    attempt_done_ = true;
    timer_.cancel();
    if (!this->stopping)
      this->ctx->connect_failed(std::move(reason));
  }

  void on_open(uint64_t attempt) {
    if (attempt != attempt_ || attempt_done_ || !current_ || !current_->con)
      return;
    attempt_done_ = true;
    timer_.cancel();
    current_->open = true;
    if (this->paused)
      current_->con->pause_reading();
    {
      std::lock_guard<std::mutex> guard(state_mtx);
      connected_peer = current_;
    }
    connected_ = true;
    if (!this->stopping) {
      this->ctx->log(log_level::info, "connected to " + uri);
      this->ctx->connected();
    }
  }

  void on_fail(uint64_t attempt, peer& p) {
    if (!p.con)
      return;
    std::string why = p.con->get_ec().message();
    if constexpr (std::is_same_v<Config, tls_config>) {
      // websocketpp's own code is generic ("TLS handshake failed").
      const std::string tls_failure = tls_failure_of(p.con->get_socket().native_handle());
      if (!tls_failure.empty())
        why += " (" + tls_failure + ")";
      if (!setup_error_.empty())
        why = setup_error_;
      else
        why = common::describe_handshake_failure(p.con->get_socket().native_handle(), cfg_.tls,
                                                 verify_name_, why);
    }
    const auto status = p.con->get_response_code();
    if (status != websocketpp::http::status_code::uninitialized &&
        status != websocketpp::http::status_code::switching_protocols)
      why += " (HTTP " + std::to_string(status) + ")";
    finish_attempt(attempt, "cannot connect to " + uri + ": " + why);
  }

  void on_close(uint64_t attempt, peer& p) {
    if (attempt != attempt_ || !connected_ || !p.con)
      return;
    lose_connection(describe_close(*p.con));
  }

  /// Says who ended the connection: the server (its code, which we echoed),
  /// or us (our code; the server may never have answered).
  std::string describe_close(typename connection_ptr::element_type& con) const {
    using status = websocketpp::close::status::value;
    namespace close = websocketpp::close::status;
    const status remote = con.get_remote_close_code();
    const status local = con.get_local_close_code();
    auto on_wire = [](status code) { return code != close::blank && code != close::abnormal_close; };
    std::string why = "the connection to " + uri + " was closed";
    const bool echoed = remote == local && con.get_remote_close_reason() == con.get_local_close_reason();
    const bool server_first = (on_wire(remote) && echoed) ||
                              (remote == close::no_status && local == close::normal);
    if (server_first)
      return why + " by the server (" + close_text(remote, con.get_remote_close_reason()) + ")";
    if (on_wire(local))
      return why + " by the client (" + close_text(local, con.get_local_close_reason()) + ")" +
             (on_wire(remote) ? "; the server answered " + close_text(remote, con.get_remote_close_reason())
                              : "; the server did not answer");
    if (con.get_ec())
      return why + ": " + con.get_ec().message();
    return why + " abnormally (no close frame)";
  }

  /// Ends the established connection and tells the supervisor (once).
  void lose_connection(const std::string& why) {
    if (!connected_)
      return;
    connected_ = false;
    {
      std::lock_guard<std::mutex> guard(state_mtx);
      if (connected_peer)
        connected_peer->closed = true;
      connected_peer.reset();
    }
    finished_pending = true;
    peer_ptr p = current_;
    drop_connection();
    if (!this->stopping) {
      if (p)
        this->deliver_held(*p); // what was read belongs before the stream's end
      this->ctx->stream_finished(0);
      this->ctx->connection_lost(why);
    }
  }

  /// Forgets the current connection without reporting anything.
  void drop_connection() {
    if (!current_)
      return;
    peer_ptr p = std::move(current_);
    current_.reset();
    p->closed = true;
    if (!p->con)
      return;
    asio::error_code ignored;
    if (!started_) {
      // Never handed to websocketpp (resolving or TCP connect): no
      // termination handler will break the cycle, so do it here.
      p->con->get_raw_socket().close(ignored);
      p->con.reset();
    } else if (p->con->get_state() == websocketpp::session::state::open) {
      websocketpp::lib::error_code ec;
      p->con->set_close_handshake_timeout(closing_grace.count());
      p->con->close(websocketpp::close::status::going_away, "", ec);
    } else if (p->con->get_state() == websocketpp::session::state::connecting) {
      // Closing the socket cancels a TLS handshake in progress, which
      // terminate() would leave to websocketpp's own 5 s timer.
      p->con->get_raw_socket().close(ignored);
    }
  }

  // -- state (loop thread) -------------------------------------------------------

  const ws_client_config cfg_;
  io::blocking_pool* blocking_;
  asio::steady_timer timer_; ///< the attempt's timeout
  std::string verify_name_;
  value meta_;
  peer_ptr current_; ///< the connection of the current attempt
  uint64_t attempt_ = 0;
  bool attempt_done_ = true;
  bool started_ = false; ///< con->start() was called for current_
  bool connected_ = false;
  std::string setup_error_;
};

template <class Config>
class ws_client_impl final : public connector {
public:
  using core_type = client_core<Config>;

  ws_client_impl(const connector_args& args, ws_client_config cfg)
    : ctx_(args.context), cfg_(std::move(cfg)), slow_peer_(ctx_->counter(counters::slow_peer)) {}

  ~ws_client_impl() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }

  bool check(std::string& err) const override {
    return !cfg_.tls.enabled || make_client_tls(cfg_.tls, err) != nullptr;
  }

  // -- lifecycle -------------------------------------------------------------

  void start(const start_args& args) override {
    core_ = std::make_shared<core_type>(args.services.io->next(), ctx_, cfg_,
                                        args.services.blocking);
    init_ok_ = core_->init("client", init_error_);
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
      tls = make_client_tls(cfg_.tls, err);
      if (!tls) {
        ctx_->connect_failed(err);
        return;
      }
      tls_loaded_ = true;
    }
    core_->post([tls](core_type& c) {
      if (tls)
        c.use_tls(tls);
      c.start_attempt();
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
    if (!core_ || stopped_)
      return sink_outcome::failed;
    std::shared_ptr<send_state> target;
    {
      std::lock_guard<std::mutex> guard(core_->state_mtx);
      target = core_->connected_peer;
    }
    if (!target || target->closed)
      return sink_outcome::failed;
    if (core_->finished_pending.exchange(false)) {
      frames_.clear();
      ser.finish_stream(0, frames_);
    }
    frames_.clear();
    if (!ser.serialize(0, ev.payload, ev.ingest_ns, frames_, err_)) {
      ctx_->log(log_level::error, "cannot serialize an event: " + err_);
      return sink_outcome::failed;
    }
    const bool binary = outbox::wants_binary(ev);
    size_t total = 0;
    if (!outbox::sendable(frames_, binary, total)) {
      ctx_->log(log_level::error, outbox::not_utf8_text);
      return sink_outcome::failed;
    }
    if (!outbox::has_room(*target, total)) {
      refuse_slow();
      return sink_outcome::failed;
    }
    for (auto& frame : frames_)
      batch_.push_back(outbox::make_frame(target, std::move(frame), binary, &mask_));
    // Guaranteed delivery: a transactional event is acked once its last frame
    // reaches the connection, and failed if the connection goes first.
    const bool track = ev.transactional && !batch_.empty();
    if (track)
      batch_.back().completes = ev.id;
    if (core_->out.push(batch_))
      core_->post([](core_type& c) { c.send_pending(); });
    return track ? sink_outcome::pending : sink_outcome::done;
  }

private:
  /// The server reads slower than we write: fail rather than grow, count it.
  void refuse_slow() {
    const uint64_t n = slow_peer_.fetch_add(1, std::memory_order_relaxed) + 1;
    if ((n & (n - 1)) == 0) // the 1st, 2nd, 4th, 8th… time
      ctx_->log(log_level::warning, core_->uri + " reads too slowly: event failed (" +
                                        std::to_string(n) + " so far, counter `" +
                                        counters::slow_peer + "`)");
    if (!core_->refresh_posted.exchange(true))
      core_->post([](core_type& c) { c.refresh_current(); });
  }

  std::shared_ptr<connector_context> ctx_;
  const ws_client_config cfg_;
  std::atomic<uint64_t>& slow_peer_;
  std::shared_ptr<core_type> core_;
  bool init_ok_ = false;
  std::string init_error_;
  bool stopped_ = false;
  bool tls_loaded_ = false;
  frame_random mask_; ///< masking keys of what write() frames (actor thread)

  // actor thread scratch
  std::vector<std::string> frames_;
  std::vector<outgoing_frame> batch_;
  std::string err_;
};

// Builds the client's TLS context (trusted CAs, optional client certificate);
// null with `err` naming the key and file when one is missing or broken. Unlike
// common::make_tls_client_context, `err` starts with the key ("`tls.cafile`: …"),
// as ws_client's messages always have.
std::shared_ptr<asio::ssl::context> make_client_tls(const common::tls_client_config& tls,
                                                    std::string& err) {
  auto ctx = common::new_tls_client_context(err);
  if (!ctx)
    return nullptr;
  if (!common::setup_client_context(ctx->native_handle(), tls, err)) {
    return nullptr; // `err` names the `tls` key and the file
  }
  return ctx;
}

std::unique_ptr<connector> make_ws_client(const connector_args& args, std::string& err) {
  ws_client_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  if (cfg.url.scheme == "wss" && !cfg.tls.enabled && args.context)
    // Tremor's rule: only `tls` turns TLS on. Say so rather than send
    // plaintext to a url that promises encryption.
    args.context->log(log_level::warning,
                      "`url` says wss:// but no `tls` is configured: connecting in plaintext "
                      "(add `tls = true` or a `tls` record to speak TLS)");
  if (!cfg.tls.enabled)
    return std::make_unique<ws_client_impl<plain_config>>(args, std::move(cfg));
  return std::make_unique<ws_client_impl<tls_config>>(args, std::move(cfg));
}

} // namespace

const connector_descriptor& ws_client_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "ws_client";
    d.summary = "WebSocket client (optionally TLS) with one connection to `url`";
    d.config = {
      required_key("url", value_types::string, "`ws://host:port/path` or `wss://…`; the port is required; only `tls` turns TLS on."),
      common::tls_client_field(),
      handshake_timeout_field(),
      partial_message_budget_field(),
      common::socket_options_field(),
      common::no_delay_field(),
    };
    d.make = &make_ws_client;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::ws
