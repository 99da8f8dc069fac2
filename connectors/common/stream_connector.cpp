#include "connectors/common/stream_connector.hpp"

namespace temblor::connectors::common {

namespace {

class stream_server_connector final : public connector {
public:
  stream_server_connector(const connector_args& args, const stream_server_settings& settings,
                          std::function<std::unique_ptr<server_flavor>()> make_flavor,
                          check_fn check)
    : ctx_(args.context), source_id_(args.source_id), settings_(settings),
      make_flavor_(std::move(make_flavor)), check_(std::move(check)) {}
  ~stream_server_connector() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }
  bool check(std::string& err) const override { return !check_ || check_(err); }

  void start(const start_args& args) override {
    server_ = std::make_shared<stream_server>(args.services.io->next(), ctx_, make_flavor_(),
                                              settings_, source_id_, args.sink_linked);
  }
  void connect() override {
    if (server_)
      server_->connect();
    else
      ctx_->connect_failed("connect() before start()");
  }
  void resume() override {
    if (server_)
      server_->set_paused(false);
  }
  void pause() override {
    if (server_)
      server_->set_paused(true);
  }
  void drain() override {
    if (server_)
      server_->drain();
  }
  void stop() override {
    if (server_)
      server_->stop();
  }
  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    return server_ ? server_->write(ev, ser) : sink_outcome::failed;
  }

private:
  std::shared_ptr<connector_context> ctx_;
  uint64_t source_id_;
  stream_server_settings settings_;
  std::function<std::unique_ptr<server_flavor>()> make_flavor_;
  check_fn check_;
  std::shared_ptr<stream_server> server_;
};

class stream_client_connector final : public connector {
public:
  stream_client_connector(const connector_args& args, const stream_client_settings& settings,
                          std::function<std::unique_ptr<client_flavor>()> make_flavor,
                          check_fn check)
    : ctx_(args.context), settings_(settings), make_flavor_(std::move(make_flavor)),
      check_(std::move(check)) {}
  ~stream_client_connector() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }
  bool check(std::string& err) const override { return !check_ || check_(err); }

  void start(const start_args& args) override {
    client_ =
        std::make_shared<stream_client>(args.services.io->next(), ctx_, make_flavor_(), settings_);
  }
  void connect() override {
    if (client_)
      client_->connect();
    else
      ctx_->connect_failed("connect() before start()");
  }
  void resume() override {
    if (client_)
      client_->set_paused(false);
  }
  void pause() override {
    if (client_)
      client_->set_paused(true);
  }
  void stop() override {
    if (client_)
      client_->stop();
  }
  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    return client_ ? client_->write(ev, ser) : sink_outcome::failed;
  }

private:
  std::shared_ptr<connector_context> ctx_;
  stream_client_settings settings_;
  std::function<std::unique_ptr<client_flavor>()> make_flavor_;
  check_fn check_;
  std::shared_ptr<stream_client> client_;
};

} // namespace

std::unique_ptr<connector> make_stream_server_connector(
    const connector_args& args, const stream_server_settings& settings,
    std::function<std::unique_ptr<server_flavor>()> make_flavor, check_fn check) {
  return std::make_unique<stream_server_connector>(args, settings, std::move(make_flavor),
                                                   std::move(check));
}

std::unique_ptr<connector> make_stream_client_connector(
    const connector_args& args, const stream_client_settings& settings,
    std::function<std::unique_ptr<client_flavor>()> make_flavor, check_fn check) {
  return std::make_unique<stream_client_connector>(args, settings, std::move(make_flavor),
                                                   std::move(check));
}

} // namespace temblor::connectors::common
