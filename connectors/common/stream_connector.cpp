#include "connectors/common/stream_connector.hpp"

namespace temblor::connectors::common {

namespace {

/// The connector contract over a server or client core, which is made when
/// the connector starts (it needs its event loop) and does the work.
template <class Core>
class core_connector final : public connector {
public:
  using make_core = std::function<std::shared_ptr<Core>(asio::io_context&, const start_args&)>;

  core_connector(std::shared_ptr<connector_context> ctx, make_core make, check_fn check)
    : ctx_(std::move(ctx)), make_(std::move(make)), check_(std::move(check)) {}
  ~core_connector() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }
  bool check(std::string& err) const override { return !check_ || check_(err); }

  void start(const start_args& args) override { core_ = make_(args.services.io->next(), args); }
  void connect() override {
    if (core_)
      core_->connect();
    else
      ctx_->connect_failed("connect() before start()");
  }
  void resume() override {
    if (core_)
      core_->set_paused(false);
  }
  void pause() override {
    if (core_)
      core_->set_paused(true);
  }
  void drain() override {
    if (core_)
      core_->drain();
  }
  void stop() override {
    if (core_)
      core_->stop();
  }
  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    return core_ ? core_->write(ev, ser) : sink_outcome::failed;
  }
  void finish(serializer& ser) override {
    if (core_)
      core_->finish(ser);
  }
  size_t writes_in_flight() const override { return core_ ? core_->writes_in_flight() : 0; }

private:
  std::shared_ptr<connector_context> ctx_;
  make_core make_;
  check_fn check_;
  std::shared_ptr<Core> core_;
};

} // namespace

std::unique_ptr<connector> make_stream_server_connector(
    const connector_args& args, const stream_server_settings& settings,
    std::function<std::unique_ptr<server_flavor>()> make_flavor, check_fn check) {
  auto make = [ctx = args.context, source_id = args.source_id, settings,
               make_flavor = std::move(make_flavor)](asio::io_context& io, const start_args& s) {
    return std::make_shared<stream_server>(io, ctx, make_flavor(), settings, source_id,
                                           s.sink_linked);
  };
  return std::make_unique<core_connector<stream_server>>(args.context, std::move(make),
                                                         std::move(check));
}

std::unique_ptr<connector> make_stream_client_connector(
    const connector_args& args, const stream_client_settings& settings,
    std::function<std::unique_ptr<client_flavor>()> make_flavor, check_fn check) {
  auto make = [ctx = args.context, settings,
               make_flavor = std::move(make_flavor)](asio::io_context& io, const start_args&) {
    return std::make_shared<stream_client>(io, ctx, make_flavor(), settings);
  };
  return std::make_unique<core_connector<stream_client>>(args.context, std::move(make),
                                                         std::move(check));
}

} // namespace temblor::connectors::common
