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

  // -- contraflow: sinks' acks and fails of the events this operator let through

  /// True for operators that adapt to how sinks cope (the qos family).
  virtual bool reacts_to_contraflow() const { return false; }
  /// A sink acked (`acked`) or failed what this operator tagged up to `seq`
  /// (ack: the highest tagged sequence of the event, fail: the lowest).
  virtual void on_contraflow(bool acked, uint64_t seq, uint64_t now_ns) {
    (void)acked;
    (void)seq;
    (void)now_ns;
  }
  /// True while the operator wants its pipeline's sources paused.
  virtual bool pauses_upstream(uint64_t now_ns) const {
    (void)now_ns;
    return false;
  }

  /// Called by the runner: contraflow for `stage` (the pipeline) naming
  /// stream `slot` belongs to this operator.
  void bind_contraflow(uint64_t stage, uint64_t slot) {
    stage_ = stage;
    slot_ = slot;
  }

protected:
  /// Marks `ev` so that the sink's ack or fail comes back to this operator,
  /// and returns the sequence number it will carry.
  uint64_t tag_for_contraflow(event& ev) {
    uint64_t seq = ++last_seq_;
    ev.id.track(event_id(stage_, slot_, seq));
    ev.transactional = true;
    return seq;
  }

private:
  uint64_t stage_ = 0;
  uint64_t slot_ = 0;
  uint64_t last_seq_ = 0;
};

/// Builds the operator `type` (`generic::batch`) from its config record;
/// nullptr with a message in `err` for an unknown type or a bad config.
std::unique_ptr<op_impl> make_operator(const std::string& type, const value& config,
                                       std::string& err);

} // namespace temblor::dsl
