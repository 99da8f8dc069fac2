#include "connectors/ws/ws_client.hpp"

#include "connectors/ws/wspp_host.hpp"

#include <websocketpp/client.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "connectors/common/config_reader.hpp"
#include "connectors/ws/outbox.hpp"

namespace temblor::connectors::ws {

bool ws_client_config::parse(const value& config, std::string& err) {
  std::string text;
  if (!common::read_string(config, "url", text, err))
    return false;
  if (!common::parse_url(text, "ws", url, err)) {
    err = "`url`: " + err;
    return false;
  }
  if (!url.has_port) {
    err = "`url`: `" + text + "` has no port; ws_client needs one";
    return false;
  }
  return socket.parse(config, err) && tls.parse(config, err);
}

namespace {

std::shared_ptr<asio::ssl::context> make_client_tls(const common::tls_client_config& tls,
                                                    std::string& err);

using namespace std::chrono_literals;

/// How long TCP connect, TLS and WebSocket handshakes may take together.
constexpr auto connect_timeout = 5s;

template <class Config>
class ws_client_impl final : public connector,
                             private wspp_host<Config, websocketpp::client<Config>> {
public:
  using endpoint_type = websocketpp::client<Config>;
  using connection_ptr = typename endpoint_type::connection_ptr;
  using message_ptr = typename endpoint_type::message_ptr;
  using message_type = typename Config::message_type;
  using host = wspp_host<Config, endpoint_type>;
  using host::ctx_;
  using host::endpoint_;
  using host::io_;
  using host::stopped_;
  using host::stopping_;
  using host::tls_ctx_;

  ws_client_impl(const connector_args& args, ws_client_config cfg)
    : host(args.context, "client", cfg.tls.enabled), cfg_(std::move(cfg)),
      timer_(std::in_place, *io_) {
    verify_name_ = cfg_.tls.domain.empty() ? cfg_.url.host : cfg_.tls.domain;
    record peer_rec{{"host", cfg_.url.host}, {"port", static_cast<uint64_t>(cfg_.url.port)}};
    record client_rec{{"tls", cfg_.tls.enabled}, {"peer", std::move(peer_rec)}};
    meta_ = value(record{{"ws_client", std::move(client_rec)}});
    uri_ = std::string(cfg_.tls.enabled ? "wss://" : "ws://") + cfg_.url.authority() + cfg_.url.path;
  }

  ~ws_client_impl() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }

  // -- lifecycle -------------------------------------------------------------

  void connect() override {
    if (this->ready_to_connect())
      asio::post(*io_, [this] { start_attempt(); });
  }

  void pause() override {
    if (stopped_)
      return;
    asio::post(*io_, [this] {
      paused_ = true;
      if (con_)
        con_->pause_reading();
    });
  }
  void resume() override {
    if (stopped_)
      return;
    asio::post(*io_, [this] {
      paused_ = false;
      if (!stopping_)
        deliver_held();
      if (con_)
        con_->resume_reading();
    });
  }

  void stop() override {
    if (!this->stop_io_thread())
      return;
    {
      std::lock_guard<std::mutex> guard(state_mtx_);
      if (state_)
        state_->closed = true;
    }
    con_.reset();
    timer_.reset();
    this->release_io();
  }

  // -- sink ------------------------------------------------------------------

  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    std::shared_ptr<send_state> target;
    {
      std::lock_guard<std::mutex> guard(state_mtx_);
      target = state_;
    }
    if (!target || target->closed || stopped_)
      return sink_outcome::failed;
    if (finished_pending_.exchange(false)) {
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
      // The server reads slower than we write: fail rather than grow.
      ++dropped_;
        if ((dropped_ & (dropped_ - 1)) == 0) // the 1st, 2nd, 4th, 8th… time
        ctx_->log(log_level::warning, uri_ + " reads too slowly; " +
                                          std::to_string(dropped_) + " events failed so far");
      request_refresh();
      return sink_outcome::failed;
    }
    for (auto& frame : frames_)
      batch_.push_back(outgoing_frame{target, std::move(frame), binary, std::nullopt});
    // Guaranteed delivery: a transactional event is acked once its last frame
    // reaches the socket, and failed if the connection goes first.
    bool track = ev.transactional && !batch_.empty();
    if (track)
      batch_.back().completes = ev.id;
    if (outbox_.push(batch_))
      asio::post(*io_, [this] { send_pending(); });
    return track ? sink_outcome::pending : sink_outcome::done;
  }

private:
  // -- io thread: setup ------------------------------------------------------

  // The client has no endpoint-wide handlers: each attempt sets its own.
  void configure_endpoint() override {}

  std::shared_ptr<asio::ssl::context> make_tls(std::string& err) override {
    return make_client_tls(cfg_.tls, err);
  }

  // -- io thread: connecting -------------------------------------------------

  void start_attempt() {
    if (stopping_)
      return;
    drop_connection();
    const uint64_t attempt = ++attempt_;
    attempt_done_ = false;
    websocketpp::lib::error_code ec;
    connection_ptr con = endpoint_->get_connection(uri_, ec);
    if (ec) {
      finish_attempt(attempt, "cannot connect to " + uri_ + ": " + ec.message());
      return;
    }
    if constexpr (std::is_same_v<Config, tls_config>) {
      // After websocketpp set SNI to the url host, before the TLS handshake:
      // the name to send and verify may be `tls.domain` instead.
      con->set_tcp_pre_init_handler([this, attempt](websocketpp::connection_hdl h) {
        websocketpp::lib::error_code ec2;
        auto c = endpoint_->get_con_from_hdl(h, ec2);
        std::string err;
        if (!ec2 && !common::setup_client_session(c->get_socket().native_handle(), verify_name_,
                                                  err))
          setup_error_ = err;
        (void)attempt;
      });
    }
    con->set_open_handler([this, attempt](websocketpp::connection_hdl h) { on_open(attempt, h); });
    con->set_fail_handler([this, attempt](websocketpp::connection_hdl h) { on_fail(attempt, h); });
    con->set_close_handler(
        [this, attempt](websocketpp::connection_hdl h) { on_close(attempt, h); });
    con->set_message_handler(
        [this, attempt](websocketpp::connection_hdl, message_ptr msg) { on_message(attempt, msg); });
    con_ = con;
    setup_error_.clear();
    endpoint_->connect(con);
    timer_->expires_after(connect_timeout);
    timer_->async_wait([this, attempt](const asio::error_code& tec) {
      if (tec || attempt != attempt_ || attempt_done_)
        return;
      finish_attempt(attempt, "connecting to " + uri_ + " timed out after 5 s");
      drop_connection();
    });
  }

  /// Reports a failed attempt exactly once.
  void finish_attempt(uint64_t attempt, std::string reason) {
    if (attempt != attempt_ || attempt_done_)
      return;
    attempt_done_ = true;
    timer_->cancel();
    if (!stopping_)
      ctx_->connect_failed(std::move(reason));
  }

  void on_open(uint64_t attempt, websocketpp::connection_hdl h) {
    if (attempt != attempt_ || attempt_done_)
      return;
    attempt_done_ = true;
    timer_->cancel();
    websocketpp::lib::error_code ec;
    connection_ptr con = endpoint_->get_con_from_hdl(h, ec);
    if (ec)
      return;
    if (cfg_.socket.no_delay) {
      // Only now: websocketpp throws when it is set before the handshake.
      std::string err;
      if (!common::apply_no_delay(con->get_raw_socket().native_handle(), true, err))
        ctx_->log(log_level::warning, err);
    }
    if (paused_)
      con->pause_reading();
    {
      std::lock_guard<std::mutex> guard(state_mtx_);
      state_ = std::make_shared<send_state>(0);
    }
    connected_ = true;
    if (!stopping_)
      ctx_->connected();
  }

  void on_fail(uint64_t attempt, websocketpp::connection_hdl h) {
    websocketpp::lib::error_code ec;
    connection_ptr con = endpoint_->get_con_from_hdl(h, ec);
    std::string why = ec ? ec.message() : con->get_ec().message();
    if constexpr (std::is_same_v<Config, tls_config>) {
      if (!ec) {
        if (!setup_error_.empty())
          why = setup_error_;
        else
          why = common::describe_handshake_failure(con->get_socket().native_handle(), cfg_.tls,
                                                   verify_name_, why);
      }
    }
    finish_attempt(attempt, "cannot connect to " + uri_ + ": " + why);
  }

  void on_close(uint64_t attempt, websocketpp::connection_hdl h) {
    if (attempt != attempt_ || !connected_)
      return;
    websocketpp::lib::error_code ec;
    connection_ptr con = endpoint_->get_con_from_hdl(h, ec);
    std::string why = "the connection to " + uri_ + " was closed";
    if (!ec) {
      auto code = con->get_remote_close_code();
      if (code != websocketpp::close::status::blank &&
          code != websocketpp::close::status::no_status)
        why += " by the server (" + std::to_string(code) +
               (con->get_remote_close_reason().empty() ? "" : " " + con->get_remote_close_reason()) +
               ")";
      else if (con->get_ec())
        why += ": " + con->get_ec().message();
    }
    lose_connection(why);
  }

  void on_message(uint64_t attempt, message_ptr& msg) {
    if (attempt != attempt_ || stopping_)
      return;
    const bool binary = msg->get_opcode() == websocketpp::frame::opcode::binary;
    if (paused_) {
      // websocketpp finishes the read it started; keep it until resume.
      held_.emplace_back(std::move(msg->get_raw_payload()), binary);
      return;
    }
    deliver(std::move(msg->get_raw_payload()), binary);
  }

  void deliver(std::string data, bool binary) {
    if (binary) {
      value meta = meta_;
      meta.set("binary", true);
      ctx_->receive_bytes(0, std::move(data), std::move(meta));
    } else {
      ctx_->receive_bytes(0, std::move(data), meta_);
    }
  }

  void deliver_held() {
    for (auto& [data, binary] : held_)
      deliver(std::move(data), binary);
    held_.clear();
  }

  /// Ends the established connection and tells the supervisor (once).
  void lose_connection(const std::string& why) {
    if (!connected_)
      return;
    connected_ = false;
    {
      std::lock_guard<std::mutex> guard(state_mtx_);
      if (state_)
        state_->closed = true;
      state_.reset();
    }
    finished_pending_ = true;
    drop_connection();
    if (!stopping_) {
      deliver_held(); // what was read belongs before the stream's end
      ctx_->stream_finished(0);
      ctx_->connection_lost(why);
    }
  }

  /// Forgets the current connection without reporting anything.
  void drop_connection() {
    if (!con_)
      return;
    connection_ptr con = std::move(con_);
    con_.reset();
    websocketpp::lib::error_code ec;
    if (con->get_state() == websocketpp::session::state::open)
      con->close(websocketpp::close::status::going_away, "", ec);
    else if (con->get_state() == websocketpp::session::state::connecting)
      con->terminate(ec);
  }

  // -- io thread: sending ----------------------------------------------------

  void send_pending() {
    outbox_.take(sending_);
    uint64_t unsent = 0;
    for (auto& f : sending_) {
      f.target->posted.fetch_sub(f.data.size(), std::memory_order_relaxed);
      if (f.target->closed || !con_ || !connected_) {
        ++unsent;
        if (f.completes)
          ctx_->fail(*f.completes);
        continue;
      }
      auto msg = std::make_shared<message_type>(
          nullptr, f.binary ? websocketpp::frame::opcode::binary : websocketpp::frame::opcode::text,
          0);
      msg->get_raw_payload().swap(f.data);
      auto ec = con_->send(msg);
      if (ec) {
        if (f.completes)
          ctx_->fail(*f.completes);
        lose_connection("sending to " + uri_ + " failed: " + ec.message());
        continue;
      }
      if (f.completes)
        ctx_->ack(*f.completes);
      f.target->buffered.store(con_->get_buffered_amount(), std::memory_order_relaxed);
    }
    sending_.clear();
    // Frames queued while the connection went away are lost with it: say so.
    if (unsent > 0)
      ctx_->log(log_level::warning, std::to_string(unsent) + " frame(s) queued for " + uri_ +
                                        " were not sent: the connection was lost");
  }

  void request_refresh() {
    if (refresh_posted_.exchange(true))
      return;
    asio::post(*io_, [this] {
      refresh_posted_ = false;
      std::lock_guard<std::mutex> guard(state_mtx_);
      if (state_ && con_)
        state_->buffered.store(con_->get_buffered_amount(), std::memory_order_relaxed);
    });
  }

  void shut_down() override {
    ++attempt_; // late handlers of the current attempt must stay quiet
    timer_->cancel();
    bool had = con_ != nullptr;
    drop_connection();
    this->finish_after(had ? 250ms : 0ms);
  }

  // -- state -----------------------------------------------------------------

  ws_client_config cfg_;
  std::string verify_name_;
  std::string uri_;
  value meta_;

  std::optional<asio::steady_timer> timer_; ///< the attempt's timeout, on io_
  std::atomic<bool> refresh_posted_{false};
  std::atomic<bool> finished_pending_{false};

  // io thread
  connection_ptr con_;
  uint64_t attempt_ = 0;
  bool attempt_done_ = true;
  bool connected_ = false;
  bool paused_ = true; ///< nothing is read before the first resume()
  std::string setup_error_;
  std::vector<std::pair<std::string, bool>> held_; ///< read while paused
  std::vector<outgoing_frame> sending_;

  std::mutex state_mtx_;
  std::shared_ptr<send_state> state_; ///< set while connected
  outbox outbox_;

  // actor thread scratch
  std::vector<std::string> frames_;
  std::vector<outgoing_frame> batch_;
  std::string err_;
  uint64_t dropped_ = 0;
};

// Builds the client's TLS context (trusted CAs, optional client certificate);
// null with `err` naming the file when one is missing or broken.
std::shared_ptr<asio::ssl::context> make_client_tls(const common::tls_client_config& tls,
                                                    std::string& err) {
  std::shared_ptr<asio::ssl::context> ctx;
  try {
    ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  } catch (const std::exception& e) {
    err = std::string("tls: cannot create a TLS context: ") + e.what();
    return nullptr;
  }
  if (!common::setup_client_context(ctx->native_handle(), tls, err)) {
    err = "tls: " + err;
    return nullptr;
  }
  return ctx;
}

std::unique_ptr<connector> make_ws_client(const connector_args& args, std::string& err) {
  ws_client_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  // Certificate files are read at connect time: a bad file fails this
  // connector (and its flow) through the reconnect policy, not the whole load.
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
      required_key("url", value_types::string, "`ws://host:port/path` or `wss://…`; the port is required."),
      common::tls_client_field(),
      common::socket_options_field(),
      common::no_delay_field(),
    };
    d.make = &make_ws_client;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::ws
