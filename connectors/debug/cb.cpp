#include "connectors/debug/cb.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "connectors/common/config_reader.hpp"
#include "connectors/debug/cb_tracker.hpp"

namespace temblor::connectors {

namespace {

constexpr size_t lines_per_pull = 256;

class cb_connector final : public connector {
public:
  cb_connector(std::vector<std::string> paths, uint64_t timeout_ns, bool expect_batched,
               std::shared_ptr<connector_context> ctx)
    : paths_(std::move(paths)), timeout_ns_(timeout_ns), tracker_(expect_batched),
      ctx_(std::move(ctx)) {}

  ~cb_connector() override { stop(); }

  bool has_source() const override { return true; }
  bool has_sink() const override { return true; }
  bool transactional() const override { return true; }

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
        std::lock_guard<std::mutex> guard(mutex_);
        tracker_.emitted(next_);
      }
      ctx_->receive_bytes(0, lines_[next_], value{});
    }
    if (next_ < lines_.size())
      return true;
    start_waiter();
    return false;
  }

  void ack(uint64_t, uint64_t pull_id) override { record(pull_id, true); }
  void fail(uint64_t, uint64_t pull_id) override { record(pull_id, false); }

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
      std::lock_guard<std::mutex> guard(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (waiter_.joinable())
      waiter_.join();
  }

private:
  void record(uint64_t id, bool ok) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      ok ? tracker_.ack(id) : tracker_.fail(id);
    }
    changed_.notify_all();
  }

  // Waits for the contraflow of everything emitted, then reports and stops
  // the process gracefully, as Tremor's cb source does.
  void start_waiter() {
    if (waiter_.joinable())
      return;
    waiter_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait_for(lock, std::chrono::nanoseconds(timeout_ns_),
                        [this] { return stopping_ || tracker_.complete(); });
      if (stopping_)
        return;
      std::string report = tracker_.report();
      lock.unlock();
      std::fputs(report.c_str(), stderr);
      std::fflush(stderr);
      ctx_->request_shutdown(0, true);
    });
  }

  std::vector<std::string> paths_;
  uint64_t timeout_ns_;
  std::vector<std::string> lines_;
  size_t next_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  cb_tracker tracker_;
  bool stopping_ = false;
  std::thread waiter_;
  std::shared_ptr<connector_context> ctx_;
};

std::unique_ptr<connector> make_cb(const connector_args& args, std::string& err) {
  uint64_t timeout = 10'000'000'000;
  bool expect_batched = false;
  std::vector<std::string> paths;
  if (!common::check_keys(args.config, "config", {"paths", "timeout", "expect_batched"}, err) ||
      !common::read_optional_uint(args.config, "timeout", UINT64_MAX, timeout, err) ||
      !common::read_optional_bool(args.config, "expect_batched", expect_batched, err))
    return nullptr;
  if (const value* p = args.config.get("paths")) {
    if (!p->is_array()) {
      err = "`paths` must be an array of file paths";
      return nullptr;
    }
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
  static const connector_descriptor d{"cb", "replays files transactionally and reports contraflow",
                                      codec_requirement::optional_json, &make_cb, true, true};
  return d;
}

} // namespace temblor::connectors
