#include "connectors/ws/ws_server.hpp"

#include "connectors/ws/wspp_host.hpp"

#include <websocketpp/server.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connectors/common/config_reader.hpp"
#include "connectors/ws/outbox.hpp"

namespace temblor::connectors::ws {

bool ws_server_config::parse(const value& config, std::string& err) {
  std::string text;
  if (!common::read_string(config, "url", text, err))
    return false;
  if (!common::parse_url(text, "ws", url, err)) {
    err = "`url`: " + err;
    return false;
  }
  if (!common::read_optional_uint(config, "backlog", 65535, backlog, err))
    return false;
  return socket.parse(config, err) && tls.parse(config, err);
}

namespace {

std::shared_ptr<asio::ssl::context> make_server_tls(const common::tls_server_config& tls,
                                                    std::string& err);

using namespace std::chrono_literals;

/// One accepted connection, shared by the io thread (which owns `con`) and
/// the actor thread (which routes replies to it).
template <class Config>
struct server_peer : send_state {
  using connection_ptr = typename websocketpp::server<Config>::connection_ptr;
  server_peer(uint64_t stream_id, std::string h, uint16_t p)
    : send_state(stream_id), host(std::move(h)), port(p) {}

  const std::string host; ///< the peer's IP address
  const uint16_t port;
  connection_ptr con;     ///< io thread only; reset once closed
  value meta;             ///< io thread only; `$` of every event it sends
  /// io thread only: messages read while paused (websocketpp finishes the
  /// read it started), handed over on resume.
  std::vector<std::pair<std::string, bool>> held;
};

template <class Config>
class ws_server_impl final : public connector,
                             private wspp_host<Config, websocketpp::server<Config>> {
public:
  using endpoint_type = websocketpp::server<Config>;
  using connection_ptr = typename endpoint_type::connection_ptr;
  using message_ptr = typename endpoint_type::message_ptr;
  using message_type = typename Config::message_type;
  using peer = server_peer<Config>;
  using host = wspp_host<Config, endpoint_type>;
  using host::ctx_;
  using host::endpoint_;
  using host::io_;
  using host::stopped_;
  using host::stopping_;
  using host::tls_ctx_;

  ws_server_impl(const connector_args& args, ws_server_config cfg)
    : host(args.context, "server", cfg.tls.enabled), source_id_(args.source_id),
      cfg_(std::move(cfg)) {}

  ~ws_server_impl() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }

  // -- lifecycle -------------------------------------------------------------

  void connect() override {
    if (this->ready_to_connect())
      asio::post(*io_, [this] { listen(); });
  }

  void start(const start_args& args) override { linked_ = args.sink_linked; }

  void pause() override {
    if (stopped_)
      return;
    asio::post(*io_, [this] { set_paused(true); });
  }
  void resume() override {
    if (stopped_)
      return;
    asio::post(*io_, [this] { set_paused(false); });
  }

  void drain() override {
    if (stopped_)
      return;
    // Like Tremor's quiescence: no new connections, existing ones keep going.
    asio::post(*io_, [this] {
      websocketpp::lib::error_code ec;
      if (endpoint_->is_listening())
        endpoint_->stop_listening(ec);
    });
  }

  void stop() override {
    if (!this->stop_io_thread())
      return;
    // Peers and their connections point at each other through the
    // connection's handlers; break that cycle.
    for (auto& [id, p] : peers_by_stream_)
      p->con.reset();
    peers_by_stream_.clear();
    peers_by_addr_.clear();
    this->release_io();
  }

  // -- sink ------------------------------------------------------------------

  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    forget_finished_streams(ser);
    if (!linked_ || stopped_)
      return sink_outcome::failed;
    targets_.clear();
    bool none_connected = false;
    {
      std::lock_guard<std::mutex> guard(peers_mtx_);
      none_connected = peers_by_stream_.empty();
      if (!none_connected)
        find_targets(ev);
    }
    if (none_connected) {
      // Tremor's server: no connection at all means upstream should stop
      // sending until a client connects again.
      if (!cb_triggered_.exchange(true))
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
        // The client reads slower than we write: fail instead of growing
        // memory, and let the io thread look at its queue again.
        ++dropped_;
        if ((dropped_ & (dropped_ - 1)) == 0) // the 1st, 2nd, 4th, 8th… time
          ctx_->log(log_level::warning, "stream " +
                                            std::to_string(target->stream) +
                                            " reads too slowly; " + std::to_string(dropped_) +
                                            " replies failed so far");
        request_refresh();
        ok = false;
        continue;
      }
      for (auto& frame : frames_)
        batch_.push_back(outgoing_frame{target, std::move(frame), binary});
    }
    if (!batch_.empty() && outbox_.push(batch_))
      asio::post(*io_, [this] { send_pending(); });
    return ok ? sink_outcome::done : sink_outcome::failed;
  }

private:
  // -- io thread: setup ------------------------------------------------------

  void configure_endpoint() override {
    endpoint_->set_reuse_addr(cfg_.socket.reuse_addr);
    endpoint_->set_listen_backlog(static_cast<int>(cfg_.backlog));
    endpoint_->set_tcp_pre_bind_handler([this](auto acceptor) {
      std::string err;
      if (!common::apply_bind_options(acceptor->native_handle(), cfg_.socket, err))
        bind_error_ = err;
      return websocketpp::lib::error_code();
    });
    endpoint_->set_open_handler([this](websocketpp::connection_hdl h) { on_open(h); });
    endpoint_->set_fail_handler([this](websocketpp::connection_hdl h) { on_fail(h); });
  }

  std::shared_ptr<asio::ssl::context> make_tls(std::string& err) override {
    return make_server_tls(cfg_.tls, err);
  }

  void listen() {
    if (stopping_)
      return;
    if (endpoint_->is_listening()) {
      ctx_->connected();
      return;
    }
    websocketpp::lib::error_code ec;
    bind_error_.clear();
    endpoint_->listen(cfg_.url.host, std::to_string(cfg_.url.port), ec);
    if (ec) {
      std::string why = bind_error_.empty() ? ec.message() : bind_error_;
      ctx_->connect_failed("cannot listen on " + cfg_.url.authority() + ": " +
                           why);
      return;
    }
    endpoint_->start_accept(ec);
    if (ec) {
      websocketpp::lib::error_code ignored;
      endpoint_->stop_listening(ignored);
      ctx_->connect_failed("cannot accept on " + cfg_.url.authority() + ": " +
                           ec.message());
      return;
    }
    asio::error_code aec;
    auto local = endpoint_->get_local_endpoint(aec);
    std::string where = aec ? cfg_.url.authority()
                            : (local.address().is_v6() ? "[" + local.address().to_string() + "]"
                                                       : local.address().to_string()) +
                                  ":" + std::to_string(local.port());
    ctx_->log(log_level::info, "listening on " +
                                   std::string(tls_ctx_ ? "wss://" : "ws://") + where);
    ctx_->connected();
  }

  // -- io thread: connections ------------------------------------------------

  void on_open(websocketpp::connection_hdl h) {
    websocketpp::lib::error_code ec;
    connection_ptr con = endpoint_->get_con_from_hdl(h, ec);
    if (ec || stopping_)
      return;
    asio::error_code aec;
    auto remote = con->get_raw_socket().remote_endpoint(aec);
    if (aec) {
      con->terminate(ec);
      return;
    }
    if (cfg_.socket.no_delay) {
      // Only now: websocketpp throws when the option is set before the
      // handshake finished.
      std::string err;
      if (!common::apply_no_delay(con->get_raw_socket().native_handle(), true, err))
        ctx_->log(log_level::warning, err);
    }
    auto p = std::make_shared<peer>(next_stream_++, remote.address().to_string(), remote.port());
    p->con = con;
    record peer_rec{{"host", p->host}, {"port", static_cast<uint64_t>(p->port)}};
    record server_rec{{"tls", tls_ctx_ != nullptr}, {"peer", std::move(peer_rec)}};
    p->meta = value(record{{"ws_server", std::move(server_rec)}});
    con->set_message_handler([this, p](websocketpp::connection_hdl, message_ptr msg) {
      on_message(*p, msg);
    });
    con->set_close_handler([this, p](websocketpp::connection_hdl) { on_close(p); });
    if (paused_)
      con->pause_reading();
    {
      std::lock_guard<std::mutex> guard(peers_mtx_);
      peers_by_stream_.emplace(p->stream, p);
      peers_by_addr_.emplace(std::make_pair(p->host, p->port), p);
    }
    if (cb_triggered_.exchange(false))
      ctx_->circuit_breaker(true);
  }

  void on_fail(websocketpp::connection_hdl h) {
    // A connection that never opened (TLS or WebSocket handshake failed):
    // not a stream, only worth a debug line.
    if (stopping_)
      return;
    websocketpp::lib::error_code ec;
    connection_ptr con = endpoint_->get_con_from_hdl(h, ec);
    if (!ec)
      ctx_->log(log_level::debug,
                "handshake failed: " + con->get_ec().message());
  }

  void on_message(peer& p, message_ptr& msg) {
    if (stopping_)
      return;
    const bool binary = msg->get_opcode() == websocketpp::frame::opcode::binary;
    if (paused_) {
      p.held.emplace_back(std::move(msg->get_raw_payload()), binary);
      return;
    }
    deliver(p, std::move(msg->get_raw_payload()), binary);
  }

  void deliver(peer& p, std::string data, bool binary) {
    if (binary) {
      value meta = p.meta;
      meta.set("binary", true);
      ctx_->receive_bytes(p.stream, std::move(data), std::move(meta));
    } else {
      ctx_->receive_bytes(p.stream, std::move(data), p.meta);
    }
  }

  void deliver_held(peer& p) {
    for (auto& [data, binary] : p.held)
      deliver(p, std::move(data), binary);
    p.held.clear();
  }

  void on_close(const std::shared_ptr<peer>& p) {
    p->closed = true;
    if (!stopping_)
      deliver_held(*p); // what was read belongs before the stream's end
    p->con.reset();
    {
      std::lock_guard<std::mutex> guard(peers_mtx_);
      peers_by_stream_.erase(p->stream);
      peers_by_addr_.erase(std::make_pair(p->host, p->port));
      finished_.push_back(p->stream);
      has_finished_ = true;
    }
    if (!stopping_)
      ctx_->stream_finished(p->stream);
  }

  void set_paused(bool paused) {
    paused_ = paused;
    std::vector<std::shared_ptr<peer>> all;
    {
      std::lock_guard<std::mutex> guard(peers_mtx_);
      for (auto& [id, p] : peers_by_stream_)
        all.push_back(p);
    }
    for (auto& p : all) {
      if (!p->con)
        continue;
      if (paused) {
        p->con->pause_reading();
      } else {
        if (!stopping_)
          deliver_held(*p);
        p->con->resume_reading();
      }
    }
  }

  // -- io thread: sending ----------------------------------------------------

  void send_pending() {
    outbox_.take(sending_);
    for (auto& f : sending_) {
      auto& p = static_cast<peer&>(*f.target);
      p.posted.fetch_sub(f.data.size(), std::memory_order_relaxed);
      if (!p.con)
        continue;
      auto msg = std::make_shared<message_type>(
          nullptr, f.binary ? websocketpp::frame::opcode::binary : websocketpp::frame::opcode::text,
          0);
      msg->get_raw_payload().swap(f.data);
      auto ec = p.con->send(msg);
      if (ec) {
        // Tremor closes a stream whose write failed.
        if (!stopping_)
          ctx_->log(log_level::debug, "write to stream " +
                                          std::to_string(p.stream) + " failed: " + ec.message());
        websocketpp::lib::error_code ignored;
        p.con->terminate(ignored);
        continue;
      }
      p.buffered.store(p.con->get_buffered_amount(), std::memory_order_relaxed);
    }
    sending_.clear();
  }

  void request_refresh() {
    if (refresh_posted_.exchange(true))
      return;
    asio::post(*io_, [this] {
      refresh_posted_ = false;
      std::lock_guard<std::mutex> guard(peers_mtx_);
      for (auto& [id, p] : peers_by_stream_)
        if (p->con)
          p->buffered.store(p->con->get_buffered_amount(), std::memory_order_relaxed);
    });
  }

  void shut_down() override {
    websocketpp::lib::error_code ec;
    if (endpoint_->is_listening())
      endpoint_->stop_listening(ec);
    std::vector<std::shared_ptr<peer>> all;
    {
      std::lock_guard<std::mutex> guard(peers_mtx_);
      for (auto& [id, p] : peers_by_stream_)
        all.push_back(p);
    }
    for (auto& p : all) {
      if (p->con)
        p->con->close(websocketpp::close::status::going_away, "shutting down", ec);
    }
    // Give peers a moment to answer the close handshake, then end the loop
    // regardless: stop() must return promptly.
    this->finish_after(all.empty() ? 0ms : 250ms);
  }

  // -- actor thread helpers --------------------------------------------------

  /// Fills `targets_` (under peers_mtx_): the connection named by
  /// `$ws_server.peer`, else every connection the event came from.
  void find_targets(const event& ev) {
    if (const value* ws = ev.meta.get("ws_server")) {
      if (const value* pr = ws->get("peer")) {
        const value* host = pr->get("host");
        const value* port = pr->get("port");
        uint64_t port_n = 0;
        if (host != nullptr && host->is_string() && port != nullptr && port->get_u64(port_n) &&
            port_n <= 65535) {
          auto it =
              peers_by_addr_.find(std::make_pair(host->as_string(), static_cast<uint16_t>(port_n)));
          if (it != peers_by_addr_.end()) {
            targets_.push_back(it->second);
            return;
          }
        }
      }
    }
    for (const auto& o : ev.id.origins()) {
      if (o.source != source_id_)
        continue;
      auto it = peers_by_stream_.find(o.stream);
      if (it == peers_by_stream_.end())
        continue;
      bool seen = false;
      for (auto& t : targets_)
        seen = seen || t->stream == o.stream;
      if (!seen)
        targets_.push_back(it->second);
    }
  }

  void forget_finished_streams(serializer& ser) {
    if (!has_finished_.load(std::memory_order_acquire))
      return;
    {
      std::lock_guard<std::mutex> guard(peers_mtx_);
      finished_swap_.swap(finished_);
      has_finished_ = false;
    }
    for (auto stream : finished_swap_) {
      // The connection is gone, so whatever the framing still held cannot
      // be sent anywhere.
      frames_.clear();
      ser.finish_stream(stream, frames_);
    }
    finished_swap_.clear();
  }

  // -- state -----------------------------------------------------------------

  uint64_t source_id_;
  ws_server_config cfg_;
  std::string bind_error_;

  std::atomic<bool> linked_{false};
  std::atomic<bool> cb_triggered_{false};
  std::atomic<bool> refresh_posted_{false};
  std::atomic<bool> has_finished_{false};
  bool paused_ = true;        // io thread; nothing is read before the first resume()
  uint64_t next_stream_ = 0;  // io thread
  uint64_t dropped_ = 0;      // actor thread: writes failed for a full queue

  std::mutex peers_mtx_;
  std::unordered_map<uint64_t, std::shared_ptr<peer>> peers_by_stream_;
  std::map<std::pair<std::string, uint16_t>, std::shared_ptr<peer>> peers_by_addr_;
  std::vector<uint64_t> finished_;

  outbox outbox_;
  std::vector<outgoing_frame> sending_; // io thread

  // actor thread scratch, kept to avoid per-event allocations
  std::vector<std::shared_ptr<peer>> targets_;
  std::vector<std::string> frames_;
  std::vector<outgoing_frame> batch_;
  std::vector<uint64_t> finished_swap_;
  std::string err_;
};

// Builds the server's TLS context from the certificate and key files; null
// with `err` naming the file when one is missing or broken.
std::shared_ptr<asio::ssl::context> make_server_tls(const common::tls_server_config& tls,
                                                    std::string& err) {
  std::shared_ptr<asio::ssl::context> ctx;
  try {
    ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  } catch (const std::exception& e) {
    err = std::string("tls: cannot create a TLS context: ") + e.what();
    return nullptr;
  }
  asio::error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use,
                   ec);
  if (!common::setup_server_context(ctx->native_handle(), tls, err)) {
    err = "tls: " + err;
    return nullptr;
  }
  return ctx;
}

std::unique_ptr<connector> make_ws_server(const connector_args& args, std::string& err) {
  ws_server_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  // Certificate files are read at connect time: a bad file fails this
  // connector (and its flow) through the reconnect policy, not the whole load.
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
      common::socket_options_field(),
      common::no_delay_field(),
    };
    d.make = &make_ws_server;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::ws
