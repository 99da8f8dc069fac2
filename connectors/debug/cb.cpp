#include "connectors/debug/cb.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/debug/cb_tracker.hpp"

namespace temblor::connectors {

namespace {

constexpr size_t lines_per_pull = 256;

/// What the contraflow of the emitted lines was, shared by the actor (acks
/// and fails) and the timeout's handler on the event loop.
struct cb_verdict {
  cb_verdict(bool expect_batched, std::shared_ptr<connector_context> ctx)
    : tracker(expect_batched), ctx(std::move(ctx)) {}

  void record(uint64_t id, bool ok) {
    std::lock_guard<std::mutex> guard(mutex);
    ok ? tracker.ack(id) : tracker.fail(id);
    if (waiting && tracker.complete())
      finish_locked();
  }

  /// Everything is emitted: report as soon as it is all acked or failed.
  void wait() {
    std::lock_guard<std::mutex> guard(mutex);
    waiting = true;
    if (tracker.complete())
      finish_locked();
  }

  void timed_out() {
    std::lock_guard<std::mutex> guard(mutex);
    finish_locked();
  }

  // Reports and stops the process gracefully, as Tremor's cb source does.
  void finish_locked() {
    if (finished || stopped)
      return;
    finished = true;
    std::string report = tracker.report();
    std::fputs(report.c_str(), stderr);
    std::fflush(stderr);
    ctx->request_shutdown(0, true);
  }

  std::mutex mutex;
  cb_tracker tracker;
  std::shared_ptr<connector_context> ctx;
  bool waiting = false;
  bool finished = false;
  bool stopped = false;
};

class cb_connector final : public connector {
public:
  cb_connector(std::vector<std::string> paths, uint64_t timeout_ns, bool expect_batched,
               std::shared_ptr<connector_context> ctx)
    : paths_(std::move(paths)), timeout_ns_(timeout_ns),
      verdict_(std::make_shared<cb_verdict>(expect_batched, ctx)), ctx_(std::move(ctx)) {}

  ~cb_connector() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }
  bool transactional() const override { return true; }

  void start(const start_args& args) override {
    timer_ = std::make_shared<asio::steady_timer>(args.services.io->next());
  }

  void connect() override {
    lines_.clear();
    for (const auto& path : paths_) {
      std::ifstream in(path);
      if (!in) {
        ctx_->connect_failed("cannot read " + path);
        return;
      }
      for (std::string line; std::getline(in, line);)
        lines_.push_back(std::move(line));
    }
    next_ = 0;
    ctx_->connected();
  }

  bool pull() override {
    size_t end = std::min(lines_.size(), next_ + lines_per_pull);
    for (; next_ < end; ++next_) {
      {
        std::lock_guard<std::mutex> guard(verdict_->mutex);
        verdict_->tracker.emitted(next_);
      }
      ctx_->receive_bytes(0, lines_[next_], value{});
    }
    if (next_ < lines_.size())
      return true;
    start_timeout();
    return false;
  }

  void ack(uint64_t, uint64_t pull_id) override { verdict_->record(pull_id, true); }
  void fail(uint64_t, uint64_t pull_id) override { verdict_->record(pull_id, false); }

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    const value* cb = ev.payload.get("cb");
    if (!cb)
      cb = ev.meta.get("cb");
    // A batch (generic::batch) carries its events' payloads as an array;
    // as in Tremor, the first element that names a command decides.
    if (!cb && ev.payload.is_array())
      for (const auto& element : ev.payload.as_array())
        if ((cb = element.get("cb")))
          break;
    if (!cb)
      return sink_outcome::pending;
    bool do_ack = false, do_fail = false;
    auto apply = [&](const value& v) {
      if (!v.is_string())
        return;
      const auto& s = v.as_string();
      if (s == "ack") do_ack = true;
      else if (s == "fail") do_fail = true;
      else if (s == "close" || s == "trigger") ctx_->circuit_breaker(false);
      else if (s == "open" || s == "restore") ctx_->circuit_breaker(true);
    };
    if (cb->is_array())
      for (const auto& v : cb->as_array())
        apply(v);
    else
      apply(*cb);
    if (do_fail)
      return sink_outcome::failed;
    // Neither ack nor fail asked for: the event gets no contraflow at all.
    return do_ack ? sink_outcome::done : sink_outcome::pending;
  }

  void stop() override {
    {
      std::lock_guard<std::mutex> guard(verdict_->mutex);
      verdict_->stopped = true;
    }
    if (timer_)
      asio::post(timer_->get_executor(), [timer = timer_] { timer->cancel(); });
  }

private:
  // Waits at most `timeout` for the contraflow of everything emitted.
  void start_timeout() {
    if (timeout_started_ || !timer_)
      return;
    timeout_started_ = true;
    verdict_->wait();
    timer_->expires_after(std::chrono::nanoseconds(timeout_ns_));
    timer_->async_wait([verdict = verdict_, timer = timer_](const asio::error_code& ec) {
      if (!ec)
        verdict->timed_out();
    });
  }

  std::vector<std::string> paths_;
  uint64_t timeout_ns_;
  std::vector<std::string> lines_;
  size_t next_ = 0;
  bool timeout_started_ = false;

  std::shared_ptr<cb_verdict> verdict_;
  std::shared_ptr<asio::steady_timer> timer_;
  std::shared_ptr<connector_context> ctx_;
};

std::unique_ptr<connector> make_cb(const connector_args& args, std::string& err) {
  uint64_t timeout = 0;
  args.config.get("timeout")->get_u64(timeout);
  bool expect_batched = args.config.get("expect_batched")->as_bool();
  std::vector<std::string> paths;
  // Tremor 0.12 names one file with `path`; 0.13 a list with `paths`.
  if (const value* p = args.config.get("path"); p && p->is_string())
    paths.push_back(p->as_string());
  if (const value* p = args.config.get("paths")) {
    for (const auto& entry : p->as_array()) {
      if (!entry.is_string()) {
        err = "`paths` must be an array of file paths";
        return nullptr;
      }
      paths.push_back(entry.as_string());
    }
  }
  return std::make_unique<cb_connector>(std::move(paths), timeout, expect_batched, args.context);
}

} // namespace

const connector_descriptor& cb_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "cb";
    d.summary = "replays files' lines transactionally and reports their acks and fails; as a sink, turns `cb` commands into contraflow";
    d.codec = codec_requirement::optional_json;
    d.config = {
      optional_key("paths", value_types::array, array{}, "The files whose lines are replayed, one event each."),
      optional_key("path", value_types::string, value(), "Tremor 0.12's spelling: one file, replayed before `paths`."),
      optional_key("timeout", value_types::unsigned_int, uint64_t{10'000'000'000}, "Nanoseconds to wait for the contraflow of the last line."),
      optional_key("expect_batched", value_types::boolean, false, "Lines arrive as batches (after `generic::batch`)."),
    };
    d.make = &make_cb;
    d.debug_only = true;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
