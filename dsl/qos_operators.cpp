#include "dsl/qos_operators.hpp"

#include <algorithm>
#include <deque>
#include <random>
#include <utility>
#include <vector>

namespace temblor::dsl {

namespace {

constexpr uint64_t ns_per_ms = 1000000ULL;

// When each tagged event left the operator, so an ack tells how long the
// way to and through the sink took. Acks arrive roughly in order; entries
// they skip belong to events that were dropped downstream and are pruned.
class send_times {
public:
  void sent(uint64_t seq, uint64_t now) {
    if (times_.size() >= max_tracked)
      times_.pop_front();
    times_.emplace_back(seq, now);
  }

  /// Returns how long ago `seq` was sent, forgetting it and all before it;
  /// false when `seq` is no longer known.
  bool take(uint64_t seq, uint64_t now, uint64_t& latency) {
    auto it = std::lower_bound(times_.begin(), times_.end(), seq,
                               [](const auto& entry, uint64_t s) { return entry.first < s; });
    if (it == times_.end() || it->first != seq) {
      times_.erase(times_.begin(), it);
      return false;
    }
    latency = now > it->second ? now - it->second : 0;
    times_.erase(times_.begin(), it + 1);
    return true;
  }

private:
  static constexpr size_t max_tracked = 1 << 16;
  std::deque<std::pair<uint64_t, uint64_t>> times_;
};

// A fail, or an ack later than the timeout, means the sink is struggling.
class latency_judge {
public:
  explicit latency_judge(uint64_t timeout_ns) : timeout_ns_(timeout_ns) {}

  void sent(uint64_t seq, uint64_t now) { times_.sent(seq, now); }

  bool struggling(bool acked, uint64_t seq, uint64_t now) {
    uint64_t latency = 0;
    bool known = times_.take(seq, now, latency);
    return !acked || (known && latency > timeout_ns_);
  }

private:
  uint64_t timeout_ns_;
  send_times times_;
};

// Tremor 0.12 reads `timeout` in milliseconds, 0.13 in nanoseconds (and
// 0.13 configs spell it `nanos::from_millis(100)`). The two readings never
// overlap in practice: a million or more is a nanosecond count (one ms or
// more), below that it is milliseconds (a write timeout of 16 minutes or
// more would be no timeout at all).
constexpr double nanos_from = 1000000.0;

bool read_timeout(const value& config, const char* op, uint64_t& timeout_ns, std::string& err) {
  double t = 100;
  if (const value* v = config.get("timeout"); v && !v->get_f64(t)) {
    err = std::string(op) + " `timeout` must be a number (ms, or ns from one million up)";
    return false;
  }
  if (t < 0) {
    err = std::string(op) + " `timeout` must not be negative";
    return false;
  }
  timeout_ns = static_cast<uint64_t>(t >= nanos_from ? t : t * static_cast<double>(ns_per_ms));
  return true;
}

// -- qos::backpressure ------------------------------------------------------------

class backpressure_op : public op_impl {
public:
  backpressure_op(uint64_t timeout_ns, std::vector<uint64_t> steps_ms, bool pause)
    : judge_(timeout_ns), steps_ms_(std::move(steps_ms)), pause_(pause) {}

  void on_event(const std::string&, event ev, const op_emit& emit) override {
    uint64_t now = now_ns();
    if (!pause_ && now < backoff_until_) {
      emit("overflow", std::move(ev));
      return;
    }
    judge_.sent(tag_for_contraflow(ev), now);
    emit("out", std::move(ev));
  }

  bool reacts_to_contraflow() const override { return true; }

  void on_contraflow(bool acked, uint64_t seq, uint64_t now) override {
    if (!judge_.struggling(acked, seq, now)) {
      step_ = 0;
      return;
    }
    backoff_until_ = now + steps_ms_[step_] * ns_per_ms;
    step_ = std::min(step_ + 1, steps_ms_.size() - 1);
  }

  bool pauses_upstream(uint64_t now) const override { return pause_ && now < backoff_until_; }

  // A paused pipeline must notice the end of its backoff without events.
  uint64_t tick_ns() const override { return pause_ ? 10 * ns_per_ms : 0; }

private:
  latency_judge judge_;
  std::vector<uint64_t> steps_ms_;
  bool pause_;
  size_t step_ = 0;
  uint64_t backoff_until_ = 0;
};

// -- qos::percentile ----------------------------------------------------------------

class percentile_op : public op_impl {
public:
  percentile_op(uint64_t timeout_ns, double step_up, double step_down)
    : judge_(timeout_ns), step_up_(step_up), step_down_(step_down), rng_(std::random_device{}()) {}

  void on_event(const std::string&, event ev, const op_emit& emit) override {
    if (share_ < 1.0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng_) >= share_) {
      emit("overflow", std::move(ev));
      return;
    }
    judge_.sent(tag_for_contraflow(ev), now_ns());
    emit("out", std::move(ev));
  }

  bool reacts_to_contraflow() const override { return true; }

  void on_contraflow(bool acked, uint64_t seq, uint64_t now) override {
    if (judge_.struggling(acked, seq, now))
      share_ = std::max(share_ - step_down_, min_share);
    else
      share_ = std::min(share_ + step_up_, 1.0);
  }

private:
  // Never quite zero: without a trickle of events no ack could ever tell
  // that the sink recovered.
  static constexpr double min_share = 0.001;

  latency_judge judge_;
  double step_up_;
  double step_down_;
  double share_ = 1.0;
  std::mt19937_64 rng_;
};

bool read_fraction(const value& config, const char* key, double& out, std::string& err) {
  const value* v = config.get(key);
  if (!v)
    return true;
  if (!v->get_f64(out) || out < 0 || out > 1) {
    err = std::string("qos::percentile `") + key + "` must be a number between 0 and 1";
    return false;
  }
  return true;
}

} // namespace

std::unique_ptr<op_impl> make_backpressure_operator(const value& config, std::string& err) {
  uint64_t timeout_ns = 0;
  if (!read_timeout(config, "qos::backpressure", timeout_ns, err))
    return nullptr;
  std::vector<uint64_t> steps{50, 100, 250, 500, 1000, 5000, 10000};
  if (const value* s = config.get("steps")) {
    steps.clear();
    if (s->is_array())
      for (const auto& step : s->as_array()) {
        uint64_t ms = 0;
        if (!step.get_u64(ms)) {
          steps.clear();
          break;
        }
        steps.push_back(ms);
      }
    if (steps.empty()) {
      err = "qos::backpressure `steps` must be a non-empty array of milliseconds";
      return nullptr;
    }
  }
  bool pause = false;
  if (const value* m = config.get("method")) {
    const std::string* name = m->get_text();
    if (!name || (*name != "discard" && *name != "pause")) {
      err = "qos::backpressure `method` must be \"discard\" or \"pause\"";
      return nullptr;
    }
    pause = *name == "pause";
  }
  return std::make_unique<backpressure_op>(timeout_ns, std::move(steps), pause);
}

std::unique_ptr<op_impl> make_percentile_operator(const value& config, std::string& err) {
  uint64_t timeout_ns = 0;
  if (!read_timeout(config, "qos::percentile", timeout_ns, err))
    return nullptr;
  // Tremor's defaults: give back 0.1% per timely ack, drop 5% per failure.
  double step_up = 0.001, step_down = 0.05;
  if (!read_fraction(config, "step_up", step_up, err) ||
      !read_fraction(config, "step_down", step_down, err))
    return nullptr;
  return std::make_unique<percentile_op>(timeout_ns, step_up, step_down);
}

} // namespace temblor::dsl
