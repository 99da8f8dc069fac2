#include "connectors/metrics/metrics.hpp"

#include <atomic>
#include <memory>

namespace temblor::connectors {

namespace {

class metrics_connector final : public connector {
public:
  explicit metrics_connector(std::shared_ptr<connector_context> ctx) : ctx_(std::move(ctx)) {}
  ~metrics_connector() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }

  void start(const start_args& args) override {
    hub_ = args.metrics;
    dropped_ = &ctx_->counter("measurements_dropped_paused");
  }
  void connect() override { ctx_->connected(); }

  // Subscribed from the first resume: measurements published while the
  // source may not send (a sink downstream is down) are counted, not queued.
  void resume() override {
    running_->store(true);
    if (subscription_ || !hub_)
      return;
    subscription_ = hub_->subscribe(
      [ctx = ctx_, running = running_, dropped = dropped_](const value& m) {
        if (running->load())
          ctx->receive_value(0, m, value{});
        else
          dropped->fetch_add(1, std::memory_order_relaxed);
      });
  }
  void pause() override { running_->store(false); }
  void drain() override { unsubscribe(); }
  void stop() override { unsubscribe(); }

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    if (!hub_)
      return sink_outcome::failed;
    hub_->publish(ev.payload);
    return sink_outcome::done;
  }

private:
  void unsubscribe() {
    if (subscription_ && hub_)
      hub_->unsubscribe(subscription_);
    subscription_ = 0;
  }

  std::shared_ptr<connector_context> ctx_;
  metrics_hub* hub_ = nullptr;
  uint64_t subscription_ = 0;
  std::shared_ptr<std::atomic<bool>> running_ = std::make_shared<std::atomic<bool>>(false);
  std::atomic<uint64_t>* dropped_ = nullptr;
};

std::unique_ptr<connector> make_metrics(const connector_args& args, std::string&) {
  return std::make_unique<metrics_connector>(args.context);
}

} // namespace

const connector_descriptor& metrics_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "metrics";
    d.summary = "Tremor's metrics channel: emits every measurement stages publish "
                "(`metrics_interval_s`); what it is sent is published";
    d.codec = codec_requirement::structured;
    d.make = &make_metrics;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
