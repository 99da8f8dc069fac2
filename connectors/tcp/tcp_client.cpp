#include "connectors/tcp/tcp_client.hpp"

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/common/ssl_context.hpp"
#include "connectors/common/stream_connector.hpp"
#include "connectors/common/url_setting.hpp"

namespace temblor::connectors::tcp {

namespace {

/// One connect attempt: resolve, connect, TLS handshake, under one deadline.
/// Its handlers hold it; whichever finishes first reports, once.
struct dial_attempt : std::enable_shared_from_this<dial_attempt> {
  dial_attempt(asio::io_context& io, const tcp_client_config& cfg,
               std::shared_ptr<asio::ssl::context> tls, common::client_flavor::dial_handler done)
    : cfg(cfg), tls_ctx(std::move(tls)), resolver(io), socket(io), timer(io),
      done(std::move(done)) {}

  void run() {
    timer.expires_after(cfg.limits.connect_timeout);
    timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (ec)
        return;
      self->finish(nullptr, "no connection within " +
                                std::to_string(self->cfg.limits.connect_timeout.count()) + " ms" +
                                (self->tls ? " (the TLS handshake did not finish)" : ""));
    });
    resolver.async_resolve(
        cfg.url.host, std::to_string(cfg.url.port),
        [self = shared_from_this()](const asio::error_code& ec,
                                    asio::ip::tcp::resolver::results_type results) {
          if (ec)
            return self->finish(nullptr, "cannot resolve `" + self->cfg.url.host + "`: " + ec.message());
          self->connect(results);
        });
  }

  void connect(const asio::ip::tcp::resolver::results_type& results) {
    if (finished)
      return;
    asio::async_connect(socket, results,
                        [self = shared_from_this()](const asio::error_code& ec,
                                                    const asio::ip::tcp::endpoint&) {
                          if (ec)
                            return self->finish(nullptr, ec.message());
                          self->connected();
                        });
  }

  void connected() {
    if (finished)
      return;
    std::string err;
    if (!common::apply_no_delay(socket.native_handle(), cfg.socket.no_delay, err))
      return finish(nullptr, err);
    if (!tls_ctx)
      return finish(std::make_unique<common::plain_transport<asio::ip::tcp::socket>>(
                        std::move(socket)),
                    "");
    tls = std::make_unique<common::tls_transport>(std::move(socket), *tls_ctx, false);
    if (!common::setup_client_session(tls->stream().native_handle(), cfg.verify_name(), err))
      return finish(nullptr, err);
    tls->async_handshake([self = shared_from_this()](const asio::error_code& ec) {
      if (self->finished)
        return;
      if (ec)
        return self->finish(nullptr, common::describe_handshake_failure(
                                         self->tls->stream().native_handle(), self->cfg.tls,
                                         self->cfg.verify_name(),
                                         "TLS handshake failed: " + ec.message()));
      self->finish(std::move(self->tls), "");
    });
  }

  /// Reports the outcome once and abandons what is still running.
  void finish(std::unique_ptr<common::stream_transport> transport, const std::string& err) {
    if (finished)
      return;
    finished = true;
    asio::error_code ignored;
    timer.cancel(ignored);
    if (!transport) {
      resolver.cancel();
      socket.close(ignored);
      if (tls)
        tls->close();
    }
    auto report = std::move(done);
    report(std::move(transport), err);
  }

  const tcp_client_config cfg; // a copy: late handlers may outlive the connector
  std::shared_ptr<asio::ssl::context> tls_ctx;
  asio::ip::tcp::resolver resolver;
  asio::ip::tcp::socket socket;
  std::unique_ptr<common::tls_transport> tls; ///< owns the socket once TLS starts
  asio::steady_timer timer;
  common::client_flavor::dial_handler done;
  bool finished = false;
};

class tcp_client_flavor final : public common::client_flavor {
public:
  explicit tcp_client_flavor(const tcp_client_config& cfg) : cfg_(cfg) {
    record peer{{"host", cfg_.url.host}, {"port", static_cast<uint64_t>(cfg_.url.port)}};
    record client{{"tls", cfg_.tls.enabled}, {"peer", std::move(peer)}};
    meta_ = value(record{{"tcp_client", std::move(client)}});
  }

  void dial(asio::io_context& io, dial_handler done) override {
    if (cfg_.tls.enabled && !tls_) {
      std::string err;
      tls_ = common::make_tls_client_context(cfg_.tls, err);
      if (!tls_)
        return done(nullptr, err);
    }
    auto attempt = std::make_shared<dial_attempt>(io, cfg_, tls_, std::move(done));
    current_ = attempt;
    attempt->run();
  }

  void cancel() override {
    if (auto attempt = current_.lock())
      attempt->finish(nullptr, "cancelled");
  }

  value meta() const override { return meta_; }
  std::string describe() const override { return cfg_.url.authority(); }

private:
  const tcp_client_config cfg_;
  value meta_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::weak_ptr<dial_attempt> current_;
};

std::unique_ptr<connector> make_tcp_client(const connector_args& args, std::string& err) {
  tcp_client_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  auto check = [tls = cfg.tls](std::string& e) {
    return !tls.enabled || common::make_tls_client_context(tls, e) != nullptr;
  };
  auto flavor = [cfg] { return std::make_unique<tcp_client_flavor>(cfg); };
  return common::make_stream_client_connector(args, cfg.limits, flavor, check);
}

} // namespace

bool tcp_client_config::parse(const value& config, std::string& err) {
  if (!common::read_url_with_port(config, "tcp", "tcp_client", url, err))
    return false;
  return socket.parse(config, err) && tls.parse(config, err) && limits.parse(config, err);
}

const connector_descriptor& tcp_client_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "tcp_client";
    d.summary = "TCP client (optionally TLS) with one connection to `url`";
    d.config = {
      required_key("url", value_types::string, "`host:port` of the server; the port is required."),
      common::tls_client_field(),
      common::socket_options_field(),
      common::no_delay_field(),
    };
    for (auto& f : common::stream_client_fields())
      d.config.push_back(std::move(f));
    d.make = &make_tcp_client;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::tcp
