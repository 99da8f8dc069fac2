#pragma once

// Tremor's metrics channel: stages publish measurements (Tremor's
// `{"measurement", "tags", "fields", "timestamp"}` records) and every
// `metrics` connector receives each one. Publishing with no subscriber costs
// a relaxed load.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

#include "runtime/core/value.hpp"

namespace temblor {

class metrics_hub {
public:
  using subscriber = std::function<void(const value& measurement)>;

  /// Subscribers run on the publisher's thread and must only queue.
  uint64_t subscribe(subscriber s);
  void unsubscribe(uint64_t id);
  void publish(const value& measurement);
  bool has_subscribers() const { return count_.load(std::memory_order_relaxed) > 0; }

private:
  mutable std::mutex mutex_;
  std::map<uint64_t, subscriber> subscribers_;
  uint64_t next_id_ = 1;
  std::atomic<size_t> count_{0};
};

} // namespace temblor
