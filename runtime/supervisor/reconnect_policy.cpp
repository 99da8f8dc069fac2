#include "runtime/supervisor/reconnect_policy.hpp"

#include <memory>
#include <random>

namespace temblor {

namespace {

bool read_u64(const value& v, uint64_t& out) {
  if (v.get_u64(out))
    return true;
  double d = 0;
  if (v.is_float() && v.get_f64(d) && d >= 0) {
    out = static_cast<uint64_t>(d);
    return true;
  }
  return false;
}

bool parse_retry(const value& cfg, reconnect_policy& out, std::string& err) {
  if (!cfg.is_record()) {
    err = "reconnect.retry must be a record";
    return false;
  }
  for (const auto& [key, v] : cfg.as_record()) {
    if (key == "interval_ms") {
      if (!read_u64(v, out.interval_ms)) {
        err = "reconnect.retry.interval_ms must be a non-negative integer";
        return false;
      }
    } else if (key == "growth_rate") {
      if (!v.get_f64(out.growth_rate) || out.growth_rate < 1.0) {
        err = "reconnect.retry.growth_rate must be a number >= 1";
        return false;
      }
    } else if (key == "max_retries") {
      uint64_t n = 0;
      if (!read_u64(v, n)) {
        err = "reconnect.retry.max_retries must be a non-negative integer";
        return false;
      }
      out.max_retries = n;
    } else if (key == "randomized") {
      if (!v.is_bool()) {
        err = "reconnect.retry.randomized must be a boolean";
        return false;
      }
      out.randomized = v.as_bool();
    } else {
      err = "Unknown key `" + key + "` in reconnect.retry; available: interval_ms, growth_rate, "
                                    "max_retries, randomized";
      return false;
    }
  }
  if (!cfg.get("interval_ms")) {
    err = "Missing key `interval_ms` in reconnect.retry";
    return false;
  }
  return true;
}

} // namespace

bool reconnect_policy::parse(const value& config, reconnect_policy& out, std::string& err) {
  out = reconnect_policy{};
  if (config.is_null())
    return true;
  if (!config.is_record() || config.as_record().size() != 1) {
    err = "reconnect must be {\"none\": null} or {\"retry\": {…}}";
    return false;
  }
  const auto& [tag, body] = *config.as_record().begin();
  if (tag == "none")
    return true;
  if (tag == "retry") {
    out.mode = kind::retry;
    return parse_retry(body, out, err);
  }
  err = "Unknown reconnect strategy `" + tag + "`; available: none, retry";
  return false;
}

backoff::backoff(reconnect_policy policy, random_fn random)
  : policy_(std::move(policy)), random_(std::move(random)) {
  if (!random_) {
    random_ = [engine = std::make_shared<std::mt19937_64>(std::random_device{}())] {
      return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
    };
  }
}

std::optional<std::chrono::milliseconds> backoff::next_retry() {
  if (policy_.max_retries && attempts_ >= *policy_.max_retries)
    return std::nullopt;
  double wait = 0;
  if (attempts_ == 0) {
    wait = static_cast<double>(policy_.interval_ms);
  } else {
    double low = previous_ms_;
    double high = previous_ms_ * policy_.growth_rate;
    wait = policy_.randomized ? low + (high - low) * random_() : high;
  }
  previous_ms_ = wait;
  ++attempts_;
  return std::chrono::milliseconds(static_cast<int64_t>(wait));
}

std::optional<std::chrono::milliseconds> backoff::after_failed_connect() {
  if (policy_.mode == reconnect_policy::kind::none)
    return std::nullopt;
  return next_retry();
}

std::optional<std::chrono::milliseconds> backoff::after_lost_connection() {
  if (policy_.mode == reconnect_policy::kind::retry)
    return next_retry();
  // `none` still tries once, a second after losing an established connection.
  if (lost_retry_used_)
    return std::nullopt;
  lost_retry_used_ = true;
  return std::chrono::milliseconds(1000);
}

void backoff::reset() {
  attempts_ = 0;
  previous_ms_ = 0;
  lost_retry_used_ = false;
}

} // namespace temblor
