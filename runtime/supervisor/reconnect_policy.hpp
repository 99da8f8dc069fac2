#pragma once

// The `reconnect` setting of a connector and the waits it implies. Plain
// classes: the supervisor actor only asks them and schedules messages.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "runtime/core/value.hpp"

namespace temblor {

struct reconnect_policy {
  enum class kind { none, retry } mode = kind::none;
  uint64_t interval_ms = 0;
  double growth_rate = 1.5;
  std::optional<uint64_t> max_retries; ///< nullopt: retry forever
  bool randomized = true;

  /// Parses Tremor's externally tagged record: `{"none": null}` or
  /// `{"retry": {"interval_ms": N, "growth_rate": 1.5, "max_retries": M,
  /// "randomized": true}}`. Null means the default (`none`). Returns false
  /// with `err` naming the bad key.
  static bool parse(const value& config, reconnect_policy& out, std::string& err);
};

/// Computes successive reconnect waits; reset on every successful connect.
class backoff {
public:
  using random_fn = std::function<double()>; ///< uniform in [0, 1)

  explicit backoff(reconnect_policy policy, random_fn random = {});

  /// Returns the wait before the next attempt after a failed connect, or
  /// nullopt when no further attempt is allowed (the connector has Failed).
  std::optional<std::chrono::milliseconds> after_failed_connect();
  /// Returns the wait after an established connection was lost.
  std::optional<std::chrono::milliseconds> after_lost_connection();
  /// Forgets the attempts so far (a connect succeeded).
  void reset();

  uint64_t attempts() const { return attempts_; }

private:
  std::optional<std::chrono::milliseconds> next_retry();

  reconnect_policy policy_;
  random_fn random_;
  uint64_t attempts_ = 0;
  double previous_ms_ = 0;
  bool lost_retry_used_ = false;
};

} // namespace temblor
