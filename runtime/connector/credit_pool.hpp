#pragma once

// A source's in-flight budget: how many of its batches may be somewhere
// downstream at once. Tokens travel with batches and give their unit back
// from whichever thread drops the last copy; a source that ran out waits to
// be woken. Plain class: the actor installs `wake`.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/core/batch.hpp"

namespace temblor {

class credit_pool : public std::enable_shared_from_this<credit_pool> {
public:
  /// `wake` runs (on any thread) when a unit comes back to a source that
  /// waited for one.
  credit_pool(int limit, std::function<void()> wake) : limit_(limit), wake_(std::move(wake)) {}

  /// Takes one unit for a batch about to leave.
  std::shared_ptr<credit_token> take();
  /// Returns whether the budget is used up; if so, the next returned unit
  /// calls `wake`.
  bool exhausted();
  int in_flight() const { return in_flight_.load(std::memory_order_acquire); }

  // -- recycling ---------------------------------------------------------------
  // A pull-based source allocates every event on its own thread; when a sink
  // on another thread frees them, both contend for the allocator's arena
  // lock (glibc), which costs more than the work itself. While a source
  // reads, sinks hand the events they wrote back and the source frees them.

  void set_recycling(bool on) { recycling_.store(on, std::memory_order_relaxed); }
  /// Called by a sink after writing `batch`: keeps its events for the source
  /// that allocated them when that source recycles. Safe from any thread.
  static void recycle(event_batch& batch);
  /// Frees what sinks handed back (on the source's thread).
  void free_recycled();

private:
  static void release(void* owner);

  const int limit_;
  std::function<void()> wake_;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> waiting_{false};
  std::atomic<bool> recycling_{false};
  std::mutex recycled_mutex_;
  std::vector<std::vector<event>> recycled_;
  std::vector<std::vector<event>> scratch_;
};

} // namespace temblor
