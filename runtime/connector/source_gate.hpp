#pragma once

// Decides whether a source may read: Tremor's rule is connected, linked to
// at least one pipeline, and every downstream sink has restored its circuit
// breaker. Plain class so the rule is tested without actors.

#include <cstdint>
#include <set>
#include <vector>

namespace temblor {

class source_gate {
public:
  /// Starts with every downstream sink's breaker closed: nothing flows
  /// before the sinks are up.
  void expect_sinks(const std::vector<uint64_t>& sinks) {
    closed_.clear();
    closed_.insert(sinks.begin(), sinks.end());
  }
  void set_linked(bool linked) { linked_ = linked; }
  void set_connected(bool connected) { connected_ = connected; }
  void set_paused(bool paused) { paused_ = paused; }

  /// A sink downstream lost its connection (or has no peer to write to).
  void trigger(uint64_t sink) { closed_.insert(sink); }
  /// A sink downstream is ready again.
  void restore(uint64_t sink) { closed_.erase(sink); }

  bool open() const { return linked_ && connected_ && !paused_ && closed_.empty(); }
  bool connected() const { return connected_; }
  bool linked() const { return linked_; }

private:
  std::set<uint64_t> closed_;
  bool linked_ = false;
  bool connected_ = false;
  bool paused_ = false;
};

} // namespace temblor
