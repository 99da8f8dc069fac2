#include "connectors/tcp/tcp_server.hpp"

#include <optional>

#include <asio/ip/tcp.hpp>

#include "connectors/common/config_reader.hpp"
#include "connectors/common/ssl_context.hpp"
#include "connectors/common/stream_connector.hpp"
#include "connectors/common/url_setting.hpp"

namespace temblor::connectors::tcp {

namespace {

/// Tremor's tcp_server port when the url has none.
constexpr uint16_t default_port = 4242;

std::string endpoint_text(const asio::ip::tcp::endpoint& ep) {
  const auto addr = ep.address();
  return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" +
         std::to_string(ep.port());
}

/// TCP listening, TLS on accepted connections, `$tcp_server` metadata and
/// routing by `$tcp_server.peer`.
class tcp_server_flavor final : public common::server_flavor {
public:
  explicit tcp_server_flavor(const tcp_server_config& cfg) : cfg_(cfg) {}

  bool listen(asio::io_context& io, std::string& where, std::string& err) override {
    const std::string what = "cannot listen on " + cfg_.url.authority();
    if (cfg_.tls.enabled && !tls_) {
      // Read at every connect until it works: fixing the file and waiting
      // for the reconnect policy is enough.
      tls_ = common::make_tls_server_context(cfg_.tls, err);
      if (!tls_)
        return false;
    }
    asio::error_code ec;
    asio::ip::tcp::resolver resolver(io);
    // Listening addresses are numeric or `localhost` (/etc/hosts): resolving
    // them on the loop does not wait on the network.
    auto endpoints = resolver.resolve(cfg_.url.host, std::to_string(cfg_.url.port),
                                      asio::ip::tcp::resolver::passive, ec);
    if (ec) {
      err = what + ": " + ec.message();
      return false;
    }
    std::string last = "no address";
    for (const auto& entry : endpoints) {
      acceptor_.emplace(io);
      if (bind(entry.endpoint(), last)) {
        where = std::string(tls_ ? "tls://" : "tcp://") +
                endpoint_text(acceptor_->local_endpoint(ec));
        return true;
      }
      acceptor_.reset();
    }
    err = what + ": " + last;
    return false;
  }

  bool listening() const override { return acceptor_ && acceptor_->is_open(); }

  void async_accept(accept_handler done) override {
    acceptor_->async_accept([this, done = std::move(done)](const asio::error_code& ec,
                                                           asio::ip::tcp::socket socket) {
      accepted a;
      if (!ec) {
        asio::error_code ignored;
        auto remote = socket.remote_endpoint(ignored);
        a.host = remote.address().to_string();
        a.port = remote.port();
        std::string err;
        common::apply_no_delay(socket.native_handle(), cfg_.socket.no_delay, err);
        if (tls_)
          a.transport = std::make_unique<common::tls_transport>(std::move(socket), *tls_, true);
        else
          a.transport =
              std::make_unique<common::plain_transport<asio::ip::tcp::socket>>(std::move(socket));
      }
      done(ec, std::move(a));
    });
  }

  void close() override {
    if (acceptor_) {
      asio::error_code ignored;
      acceptor_->close(ignored);
    }
  }

  std::string key_of(uint64_t, const accepted& a) const override {
    return a.host + ":" + std::to_string(a.port);
  }

  value meta_of(uint64_t, const accepted& a) const override {
    record peer{{"host", a.host}, {"port", static_cast<uint64_t>(a.port)}};
    record server{{"tls", tls_ != nullptr}, {"peer", std::move(peer)}};
    return value(record{{"tcp_server", std::move(server)}});
  }

  bool key_in(const value& meta, std::string& key) const override {
    const value* server = meta.get("tcp_server");
    const value* peer = server ? server->get("peer") : nullptr;
    const value* host = peer ? peer->get("host") : nullptr;
    const value* port = peer ? peer->get("port") : nullptr;
    uint64_t port_n = 0;
    if (host == nullptr || !host->is_string() || port == nullptr || !port->get_u64(port_n))
      return false;
    key = host->as_string() + ":" + std::to_string(port_n);
    return true;
  }

private:
  bool bind(const asio::ip::tcp::endpoint& ep, std::string& err) {
    asio::error_code ec;
    acceptor_->open(ep.protocol(), ec);
    if (!ec && !common::apply_bind_options(acceptor_->native_handle(), cfg_.socket, err))
      return false;
    if (!ec)
      acceptor_->bind(ep, ec);
    if (!ec)
      acceptor_->listen(static_cast<int>(cfg_.backlog), ec);
    if (ec) {
      err = ec.message();
      return false;
    }
    return true;
  }

  const tcp_server_config cfg_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::optional<asio::ip::tcp::acceptor> acceptor_;
};

std::unique_ptr<connector> make_tcp_server(const connector_args& args, std::string& err) {
  tcp_server_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  auto check = [tls = cfg.tls](std::string& e) {
    return !tls.enabled || common::make_tls_server_context(tls, e) != nullptr;
  };
  auto flavor = [cfg] { return std::make_unique<tcp_server_flavor>(cfg); };
  return common::make_stream_server_connector(args, cfg.limits, flavor, check);
}

} // namespace

bool tcp_server_config::parse(const value& config, std::string& err) {
  if (!common::read_url(config, "tcp", url, err))
    return false;
  if (!url.has_port)
    url.port = default_port;
  if (!common::read_optional_uint(config, "backlog", 65535, backlog, err) ||
      !socket.parse(config, err) || !tls.parse(config, err) || !limits.parse(config, err))
    return false;
  uint64_t handshake_ms = 10000;
  if (!common::read_optional_uint(config, "tls_handshake_timeout_ms", 3600000, handshake_ms, err))
    return false;
  if (handshake_ms == 0) {
    err = "`tls_handshake_timeout_ms` must be at least 1";
    return false;
  }
  limits.connection.handshake_timeout = std::chrono::milliseconds(handshake_ms);
  return true;
}

const connector_descriptor& tcp_server_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "tcp_server";
    d.summary = "TCP server (optionally TLS); each connection is a stream, replies go back to it";
    d.config = {
      required_key("url", value_types::string, "`host:port` to listen on (port 4242 when omitted)."),
      common::tls_server_field(),
      optional_key("backlog", value_types::unsigned_int, 128, "Pending connections the kernel queues."),
      common::socket_options_field(),
      optional_key("tls_handshake_timeout_ms", value_types::unsigned_int, 10000,
                   "How long a TLS client may take to finish its handshake before the connection is closed (counted in `tls_handshakes_failed`)."),
    };
    for (auto& f : common::stream_server_fields())
      d.config.push_back(std::move(f));
    d.make = &make_tcp_server;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::tcp
