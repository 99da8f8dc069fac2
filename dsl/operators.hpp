#pragma once

// Built-in pipeline operators (`define operator x from generic::batch`).
// Plain classes: the runner feeds them events and ticks.

#include <functional>
#include <memory>
#include <string>

#include "runtime/core/event.hpp"

namespace temblor::dsl {

using op_emit = std::function<void(const std::string& port, event ev)>;

class op_impl {
public:
  virtual ~op_impl() = default;
  /// Handles one event that arrived on `port`; results go to `emit`.
  virtual void on_event(const std::string& port, event ev, const op_emit& emit) = 0;
  /// Advances time (batch timeouts).
  virtual void on_tick(uint64_t now_ns, const op_emit& emit) {
    (void)now_ns;
    (void)emit;
  }
  /// Emits what is held at drain time.
  virtual void on_flush(const op_emit& emit) { (void)emit; }
  /// Returns the wanted tick period in ns, 0 for none.
  virtual uint64_t tick_ns() const { return 0; }
};

/// Builds the operator `type` (`generic::batch`) from its config record;
/// nullptr with a message in `err` for an unknown type or a bad config.
std::unique_ptr<op_impl> make_operator(const std::string& type, const value& config,
                                       std::string& err);

} // namespace temblor::dsl
