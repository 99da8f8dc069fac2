#include "connectors/unix_socket/unix_socket_client.hpp"

#include <sys/un.h>

#include <asio/local/stream_protocol.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/common/config_reader.hpp"
#include "connectors/common/stream_connector.hpp"

namespace temblor::connectors::unix_socket {

namespace {

using protocol = asio::local::stream_protocol;

constexpr size_t max_path = sizeof(sockaddr_un{}.sun_path) - 1;

/// One connect attempt under a deadline; its handlers hold it.
struct dial_attempt : std::enable_shared_from_this<dial_attempt> {
  dial_attempt(asio::io_context& io, std::chrono::milliseconds timeout,
               common::client_flavor::dial_handler done)
    : socket(io), timer(io), timeout(timeout), done(std::move(done)) {}

  void run(const std::string& path) {
    timer.expires_after(timeout);
    timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (!ec)
        self->finish("no connection within " + std::to_string(self->timeout.count()) + " ms");
    });
    socket.async_connect(protocol::endpoint(path),
                         [self = shared_from_this()](const asio::error_code& ec) {
                           if (ec)
                             return self->finish(ec.message());
                           self->finish("");
                         });
  }

  void finish(const std::string& err) {
    if (finished)
      return;
    finished = true;
    asio::error_code ignored;
    timer.cancel(ignored);
    auto report = std::move(done);
    if (!err.empty()) {
      socket.close(ignored);
      return report(nullptr, err);
    }
    report(std::make_unique<common::plain_transport<protocol::socket>>(std::move(socket)), "");
  }

  protocol::socket socket;
  asio::steady_timer timer;
  std::chrono::milliseconds timeout;
  common::client_flavor::dial_handler done;
  bool finished = false;
};

class unix_client_flavor final : public common::client_flavor {
public:
  explicit unix_client_flavor(const unix_socket_client_config& cfg) : cfg_(cfg) {}

  void dial(asio::io_context& io, dial_handler done) override {
    auto attempt = std::make_shared<dial_attempt>(io, cfg_.limits.connect_timeout, std::move(done));
    current_ = attempt;
    attempt->run(cfg_.path);
  }

  void cancel() override {
    if (auto attempt = current_.lock())
      attempt->finish("cancelled");
  }

  value meta() const override {
    return value(record{{"unix_socket_client", record{{"path", cfg_.path}}}});
  }
  std::string describe() const override { return "`" + cfg_.path + "`"; }

private:
  const unix_socket_client_config cfg_;
  std::weak_ptr<dial_attempt> current_;
};

std::unique_ptr<connector> make_unix_socket_client(const connector_args& args, std::string& err) {
  unix_socket_client_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  auto flavor = [cfg] { return std::make_unique<unix_client_flavor>(cfg); };
  return common::make_stream_client_connector(args, cfg.limits, flavor, nullptr);
}

} // namespace

bool unix_socket_client_config::parse(const value& config, std::string& err) {
  if (!common::read_string(config, "path", path, err))
    return false;
  if (path.empty() || path.size() > max_path) {
    err = "`path` must have 1 to " + std::to_string(max_path) + " bytes";
    return false;
  }
  return limits.parse(config, err);
}

const connector_descriptor& unix_socket_client_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "unix_socket_client";
    d.summary = "Unix domain socket client with one connection to `path`";
    d.config = {
      required_key("path", value_types::string, "The server's socket file."),
    };
    for (auto& f : common::stream_client_fields())
      d.config.push_back(std::move(f));
    d.make = &make_unix_socket_client;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::unix_socket
