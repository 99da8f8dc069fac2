#pragma once

// When a wait inside a test must give up: the per-test deadline has passed or
// the harness itself was interrupted (SIGINT/SIGTERM/SIGQUIT).

#include <chrono>

namespace temblor::harness {

using clock = std::chrono::steady_clock;

class stop_condition {
public:
  /// `interruptible` false: only the deadline counts (after steps, which
  /// must run even when the harness was interrupted).
  explicit stop_condition(clock::time_point deadline, bool interruptible = true)
    : deadline_(deadline), interruptible_(interruptible) {}

  /// Returns a condition that never expires by time (still honours interrupts).
  static stop_condition unbounded() { return stop_condition{clock::time_point::max()}; }

  clock::time_point deadline() const { return deadline_; }
  bool expired() const { return clock::now() >= deadline_; }
  /// True when the deadline passed or (if interruptible) the harness was interrupted.
  bool should_stop() const;

  /// Sleeps for `d` or until the condition says stop; returns false if stopped.
  bool sleep_for(std::chrono::milliseconds d) const;

private:
  clock::time_point deadline_;
  bool interruptible_ = true;
};

/// Installs SIGINT/SIGTERM/SIGQUIT handlers that set the interrupt flag (the previous
/// handlers are restored by the returned guard's destructor).
class interrupt_guard {
public:
  interrupt_guard();
  ~interrupt_guard();
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;
};

/// True once SIGINT, SIGTERM or SIGQUIT reached the harness while an interrupt_guard was alive.
bool interrupted();

} // namespace temblor::harness
