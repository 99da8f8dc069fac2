#pragma once

// Lets a blocking connector's pull() run on the blocking pool while the
// actor may decide to stop: whoever comes second stops the connector, so
// stop() never runs while pull() does.

#include <mutex>

namespace temblor {

class pull_guard {
public:
  void begin() {
    std::lock_guard<std::mutex> guard(mutex_);
    running_ = true;
  }
  /// Ends a pull; true when a stop came meanwhile (the caller stops the connector).
  bool end() {
    std::lock_guard<std::mutex> guard(mutex_);
    running_ = false;
    return stop_requested_;
  }
  /// Asks for the stop; true when no pull runs (the caller stops the connector now).
  bool request_stop() {
    std::lock_guard<std::mutex> guard(mutex_);
    stop_requested_ = true;
    return !running_;
  }

private:
  std::mutex mutex_;
  bool running_ = false;
  bool stop_requested_ = false;
};

} // namespace temblor
