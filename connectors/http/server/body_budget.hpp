#pragma once

// The memory all partially received request bodies of one server may take
// together, so many slow uploads cannot exhaust the process.

#include <atomic>
#include <cstdint>

namespace temblor::connectors::http {

class body_budget {
public:
  explicit body_budget(uint64_t limit_bytes) : limit_(limit_bytes) {}
  body_budget(const body_budget&) = delete;
  body_budget& operator=(const body_budget&) = delete;

  /// Takes `n` bytes if they fit; false leaves the budget unchanged.
  bool try_reserve(uint64_t n) {
    uint64_t used = used_.load(std::memory_order_relaxed);
    do {
      if (n > limit_ || used > limit_ - n)
        return false;
    } while (!used_.compare_exchange_weak(used, used + n, std::memory_order_relaxed));
    return true;
  }
  void release(uint64_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
};

} // namespace temblor::connectors::http
