#include "connectors/metronome/metronome.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "connectors/common/config_reader.hpp"

namespace temblor::connectors {

namespace {

class metronome_connector final : public connector {
public:
  metronome_connector(uint64_t interval_ns, std::shared_ptr<connector_context> ctx)
    : interval_(interval_ns), ctx_(std::move(ctx)) {}
  ~metronome_connector() override { stop(); }

  bool has_source() const override { return true; }
  bool has_sink() const override { return false; }
  void connect() override { ctx_->connected(); }

  // Ticks start once the source may send (first pull) and run on a thread
  // of their own, so a slow pipeline delays no tick but the breaker pauses them.
  bool pull() override {
    if (!ticker_.joinable())
      ticker_ = std::thread([this] { run(); });
    return false;
  }
  void pause() override { set_paused(true); }
  void resume() override { set_paused(false); }
  void drain() override { stop(); }

  void stop() override {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (ticker_.joinable())
      ticker_.join();
  }

private:
  void set_paused(bool paused) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      paused_ = paused;
    }
    wake_.notify_all();
  }

  void run() {
    auto next = std::chrono::steady_clock::now() + interval_;
    uint64_t id = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      if (wake_.wait_until(lock, next, [this] { return stopping_; }))
        return;
      next += interval_;
      if (paused_)
        continue;
      record payload;
      payload.set("connector", "metronome");
      payload.set("ingest_ns", now_ns());
      payload.set("id", id++);
      lock.unlock();
      ctx_->receive_value(0, value{std::move(payload)}, value{});
      lock.lock();
    }
  }

  std::chrono::nanoseconds interval_;
  std::shared_ptr<connector_context> ctx_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool paused_ = false;
  std::thread ticker_;
};

std::unique_ptr<connector> make_metronome(const connector_args& args, std::string& err) {
  uint64_t interval = 0;
  if (!common::check_keys(args.config, "config", {"interval"}, err) ||
      !common::read_optional_uint(args.config, "interval", UINT64_MAX, interval, err))
    return nullptr;
  if (interval == 0) {
    err = "missing required key `interval` (ns, greater than 0)";
    return nullptr;
  }
  return std::make_unique<metronome_connector>(interval, args.context);
}

} // namespace

const connector_descriptor& metronome_descriptor() {
  static const connector_descriptor d{"metronome", "emits a tick every `interval` ns",
                                      codec_requirement::structured, &make_metronome};
  return d;
}

} // namespace temblor::connectors
