#include "connectors/metronome/metronome.hpp"

#include <chrono>
#include <memory>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

namespace temblor::connectors {

namespace {

/// The ticking half, owned by the timer's handlers so a stop() that races a
/// pending tick leaves nothing dangling.
struct ticker : std::enable_shared_from_this<ticker> {
  ticker(asio::io_context& io, std::chrono::nanoseconds interval,
         std::shared_ptr<connector_context> ctx)
    : timer(io), interval(interval), ctx(std::move(ctx)) {}

  void arm() {
    timer.expires_at(next);
    timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (!ec)
        self->tick();
    });
  }

  void tick() {
    if (stopped)
      return;
    // Ticks keep their cadence from the first one: a late wake-up does not
    // shift every later tick.
    next += interval;
    if (!paused) {
      record payload;
      payload.set("connector", "metronome");
      payload.set("ingest_ns", now_ns());
      payload.set("id", id++);
      ctx->receive_value(0, value{std::move(payload)}, value{});
    }
    arm();
  }

  asio::steady_timer timer;
  std::chrono::nanoseconds interval;
  std::shared_ptr<connector_context> ctx;
  std::chrono::steady_clock::time_point next;
  uint64_t id = 0;
  bool paused = false;
  bool running = false;
  bool stopped = false;
};

class metronome_connector final : public connector {
public:
  metronome_connector(uint64_t interval_ns, std::shared_ptr<connector_context> ctx)
    : interval_(interval_ns), ctx_(std::move(ctx)) {}
  ~metronome_connector() override { stop(); }

  connector_ports ports() const override { return source_ports(); }

  void start(const start_args& args) override {
    ticker_ = std::make_shared<ticker>(args.services.io->next(), interval_, ctx_);
  }
  void connect() override { ctx_->connected(); }

  // The first resume starts the ticks; later ones only unpause them, so a
  // breaker that trips skips ticks instead of bunching them up.
  void resume() override {
    on_loop([](ticker& t) {
      t.paused = false;
      if (t.running || t.stopped)
        return;
      t.running = true;
      t.next = std::chrono::steady_clock::now() + t.interval;
      t.arm();
    });
  }
  void pause() override {
    on_loop([](ticker& t) { t.paused = true; });
  }
  void drain() override { stop(); }

  void stop() override {
    on_loop([](ticker& t) {
      t.stopped = true;
      t.timer.cancel();
    });
    ticker_.reset();
  }

private:
  template <class F>
  void on_loop(F f) {
    if (!ticker_)
      return;
    asio::post(ticker_->timer.get_executor(), [t = ticker_, f] { f(*t); });
  }

  std::chrono::nanoseconds interval_;
  std::shared_ptr<connector_context> ctx_;
  std::shared_ptr<ticker> ticker_;
};

std::unique_ptr<connector> make_metronome(const connector_args& args, std::string& err) {
  uint64_t interval = 0;
  args.config.get("interval")->get_u64(interval);
  if (interval == 0) {
    err = "`config.interval` must be greater than 0 (ns)";
    return nullptr;
  }
  return std::make_unique<metronome_connector>(interval, args.context);
}

} // namespace

const connector_descriptor& metronome_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "metronome";
    d.summary = "emits `{\"connector\", \"ingest_ns\", \"id\"}` every `interval` ns";
    d.codec = codec_requirement::structured;
    d.config = {
      required_key("interval", value_types::unsigned_int, "Nanoseconds between two ticks."),
    };
    d.make = &make_metronome;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
