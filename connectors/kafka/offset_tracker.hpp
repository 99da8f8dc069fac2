#pragma once

// Which offsets of one Kafka partition may be committed: the consumer
// commits only offsets below every event still in flight, so a crash never
// skips an event that no sink has acknowledged (acks may arrive out of order).

#include <cstddef>
#include <cstdint>
#include <set>

namespace temblor::connectors::kafka {

class offset_tracker {
public:
  /// Records that the message at `offset` was handed downstream.
  void emitted(int64_t offset);
  /// Marks `offset` done; false when it was not in flight (a stale ack after
  /// a rewind or a rebalance).
  bool ack(int64_t offset);
  /// Forgets `offset` and everything emitted after it, which the consumer
  /// fetches again from `offset`; false when `offset` was not in flight.
  bool rewind(int64_t offset);
  /// Forgets everything (partition revoked).
  void clear();

  /// Returns the offset to commit (the next one to read after a restart):
  /// the lowest in flight, else one past the highest done; -1 before any.
  int64_t committable() const;
  size_t in_flight() const { return in_flight_.size(); }

private:
  std::set<int64_t> in_flight_;
  int64_t highest_done_ = -1;
};

} // namespace temblor::connectors::kafka
