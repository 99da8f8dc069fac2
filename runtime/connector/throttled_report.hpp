#pragma once

// Counts a recurring problem (decode errors nobody reads, writes that fail)
// and says when to log it: the first time at once, later at most once per
// interval with the total, so a bad stream gives a line every few seconds,
// never one per event.

#include <cstdint>

namespace temblor {

class throttled_report {
public:
  explicit throttled_report(uint64_t interval_ns = 10'000'000'000) : interval_ns_(interval_ns) {}

  /// Counts one more; returns true when this one should be logged.
  bool count(uint64_t now_ns) {
    ++total_;
    if (total_ > 1 && now_ns < last_ns_ + interval_ns_)
      return false;
    last_ns_ = now_ns;
    reported_ = total_;
    return true;
  }
  uint64_t total() const { return total_; }
  /// How many were counted since the last logged one.
  uint64_t unreported() const { return total_ - reported_; }

private:
  uint64_t interval_ns_;
  uint64_t total_ = 0;
  uint64_t reported_ = 0;
  uint64_t last_ns_ = 0;
};

} // namespace temblor
