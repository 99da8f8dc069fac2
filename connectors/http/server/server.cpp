#include "connectors/http/server/server.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/common/ssl_context.hpp"
#include "connectors/http/server/connection.hpp"

namespace temblor::connectors::http {

namespace {

using namespace std::chrono_literals;

// How often deadlines are checked: a quarter of the shortest timeout, so one
// fires at most 25% late, between 10 ms and 250 ms.
std::chrono::milliseconds sweep_interval(const server_limits& lim) {
  auto shortest = std::min({lim.idle_timeout, lim.header_timeout, lim.body_timeout,
                            lim.tls_handshake_timeout});
  return std::clamp<std::chrono::milliseconds>(shortest / 4, 10ms, 250ms);
}

std::string format_endpoint(const asio::ip::tcp::endpoint& ep) {
  auto addr = ep.address();
  std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return host + ":" + std::to_string(ep.port());
}

class server_impl final : public server, public std::enable_shared_from_this<server_impl> {
public:
  server_impl(asio::io_context& io, server_config cfg, std::shared_ptr<request_handler> handler,
              server_hooks hooks)
    : st_(std::make_shared<server_state>(io, std::move(cfg), std::move(handler),
                                         std::move(hooks))),
      acceptor_(io), sweep_(io), accept_retry_(io) {}

  ~server_impl() override { close(); }

  bool listen(std::string& err) override {
    if (acceptor_.is_open())
      return true;
    st_->closing = false;
    const auto& cfg = st_->cfg;
    if (cfg.tls.enabled && !tls_) {
      tls_ = common::make_tls_server_context(cfg.tls, err);
      if (!tls_)
        return false;
    }
    std::string where = cfg.host + ":" + std::to_string(cfg.port);
    asio::error_code ec;
    asio::ip::tcp::resolver resolver(st_->io);
    auto results = resolver.resolve(cfg.host, std::to_string(cfg.port),
                                    asio::ip::tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      err = "cannot resolve " + where + ": " + (ec ? ec.message() : "no address");
      return false;
    }
    auto ep = results.begin()->endpoint();
    acceptor_.open(ep.protocol(), ec);
    if (!ec) {
      std::string why;
      if (!common::apply_bind_options(acceptor_.native_handle(), cfg.socket, why)) {
        err = "cannot listen on " + where + ": " + why;
        acceptor_.close(ec);
        return false;
      }
      acceptor_.bind(ep, ec);
    }
    if (!ec)
      acceptor_.listen(static_cast<int>(cfg.backlog), ec);
    if (ec) {
      err = "cannot listen on " + where + ": " + ec.message();
      asio::error_code ignored;
      acceptor_.close(ignored);
      return false;
    }
    local_ = acceptor_.local_endpoint(ec);
    accept();
    arm_sweep();
    return true;
  }

  std::string local_address() const override { return format_endpoint(local_); }
  uint16_t local_port() const override { return local_.port(); }

  void pause() override { set_paused(true); }
  void resume() override { set_paused(false); }

  void stop_accepting() override {
    asio::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
  }

  void close() override {
    st_->closing = true;
    stop_accepting();
    sweep_.cancel();
    std::vector<std::shared_ptr<connection>> all;
    for (auto& [ptr, c] : st_->connections)
      all.push_back(c);
    for (auto& c : all)
      c->close_now();
    st_->connections.clear();
  }

  size_t connection_count() const override { return st_->connections.size(); }
  asio::io_context& context() override { return st_->io; }

private:
  void set_paused(bool paused) {
    if (st_->paused == paused)
      return;
    st_->paused = paused;
    std::vector<std::shared_ptr<connection>> all;
    for (auto& [ptr, c] : st_->connections)
      all.push_back(c);
    for (auto& c : all)
      c->pause_changed();
  }

  void accept() {
    acceptor_.async_accept([self = shared_from_this()](const asio::error_code& ec,
                                                       asio::ip::tcp::socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }

  void on_accept(const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (!acceptor_.is_open() || st_->closing)
      return;
    if (ec) {
      // Out of descriptors, say: try again shortly instead of spinning.
      st_->log(log_level::warning, "accept failed: " + ec.message());
      accept_retry_.expires_after(100ms);
      accept_retry_.async_wait([self = shared_from_this()](const asio::error_code& e) {
        if (!e && self->acceptor_.is_open())
          self->accept();
      });
      return;
    }
    if (st_->connections.size() >= st_->cfg.limits.max_connections) {
      st_->count_and_log(st_->counters.rejected_max_connections, log_level::warning,
                         "max_connections (" + std::to_string(st_->cfg.limits.max_connections) +
                             ") reached; closed a new connection");
      asio::error_code ignored;
      socket.close(ignored);
    } else {
      st_->counters.connections->fetch_add(1, std::memory_order_relaxed);
      if (st_->cfg.socket.no_delay) {
        asio::error_code ignored;
        socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      }
      auto c = make_connection(st_, std::move(socket), tls_.get());
      st_->connections.emplace(c.get(), c);
      st_->counters.connections_open->store(st_->connections.size(), std::memory_order_relaxed);
      c->start();
    }
    accept();
  }

  void arm_sweep() {
    sweep_.expires_after(sweep_interval(st_->cfg.limits));
    sweep_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (ec || self->st_->closing)
        return;
      self->sweep();
      self->arm_sweep();
    });
  }

  void sweep() {
    auto now = clock_type::now();
    scratch_.clear();
    for (auto& [ptr, c] : st_->connections)
      scratch_.push_back(c);
    for (auto& c : scratch_)
      c->check_deadline(now);
    scratch_.clear();
  }

  std::shared_ptr<server_state> st_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer sweep_;
  asio::steady_timer accept_retry_;
  std::shared_ptr<asio::ssl::context> tls_;
  asio::ip::tcp::endpoint local_;
  std::vector<std::shared_ptr<connection>> scratch_;
};

} // namespace

// -- server_state ------------------------------------------------------------------------

server_counters::server_counters(const server_hooks& hooks)
  : requests(&hooks.counter(counter_names::requests)),
    connections(&hooks.counter(counter_names::connections)),
    rejected_max_connections(&hooks.counter(counter_names::rejected_max_connections)),
    bad_request(&hooks.counter(counter_names::bad_request)),
    timed_out(&hooks.counter(counter_names::timed_out)),
    body_too_large(&hooks.counter(counter_names::body_too_large)),
    body_budget(&hooks.counter(counter_names::body_budget)),
    headers_too_large(&hooks.counter(counter_names::headers_too_large)),
    not_implemented(&hooks.counter(counter_names::not_implemented)),
    tls_failed(&hooks.counter(counter_names::tls_failed)),
    tls_timed_out(&hooks.counter(counter_names::tls_timed_out)),
    idle_closed(&hooks.counter(counter_names::idle_closed)),
    slow_consumers(&hooks.counter(counter_names::slow_consumers)),
    invalid_headers(&hooks.counter(counter_names::invalid_headers)),
    connections_open(&hooks.gauge(counter_names::connections_open)) {}

server_state::server_state(asio::io_context& io, server_config cfg,
                           std::shared_ptr<request_handler> handler, server_hooks hooks)
  : io(io), cfg(std::move(cfg)), handler(std::move(handler)), hooks(std::move(hooks)),
    counters(this->hooks), budget(this->cfg.limits.body_budget_bytes) {}

void server_state::count_and_log(std::atomic<uint64_t>* c, log_level level,
                                 const std::string& what) {
  uint64_t n = c->fetch_add(1, std::memory_order_relaxed) + 1;
  if ((n & (n - 1)) == 0)
    log(level, what + (n > 1 ? " (" + std::to_string(n) + " times so far)" : ""));
}

void server_state::log(log_level level, std::string message) {
  if (hooks.log)
    hooks.log(level, std::move(message));
}

void server_state::remove(connection* c) {
  connections.erase(c);
  counters.connections_open->store(connections.size(), std::memory_order_relaxed);
}

std::shared_ptr<server> server::create(asio::io_context& io, server_config cfg,
                                       std::shared_ptr<request_handler> handler,
                                       server_hooks hooks) {
  // Counters and gauges nobody reads still need a home.
  auto unreported = [] {
    auto own = std::make_shared<std::map<std::string, std::atomic<uint64_t>, std::less<>>>();
    return [own](std::string_view name) -> std::atomic<uint64_t>& {
      auto it = own->find(name);
      if (it == own->end())
        it = own->try_emplace(std::string(name), 0).first;
      return it->second;
    };
  };
  if (!hooks.counter)
    hooks.counter = unreported();
  if (!hooks.gauge)
    hooks.gauge = unreported();
  return std::make_shared<server_impl>(io, std::move(cfg), std::move(handler), std::move(hooks));
}

bool check_server_tls(const common::tls_server_config& tls, std::string& err) {
  if (!tls.enabled)
    return true;
  return common::make_tls_server_context(tls, err) != nullptr;
}

} // namespace temblor::connectors::http
