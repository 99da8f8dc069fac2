#pragma once

// Events: what flows from sources through pipelines to sinks.

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/value.hpp"

namespace temblor {

/// Identifies the pull(s) of one source stream an event was built from, so
/// contraflow can reach the right source: ack reports `max_pull`, fail
/// reports `min_pull` (Tremor's rule for batches and windows).
struct event_origin {
  uint64_t source = 0; ///< stage id of the source connector
  uint64_t stream = 0;
  uint64_t min_pull = 0;
  uint64_t max_pull = 0;
};

/// Tracks every origin an event carries; one entry for plain events, several
/// after batching or windowing.
class event_id {
public:
  event_id() = default;
  event_id(uint64_t source, uint64_t stream, uint64_t pull)
    : origins_{event_origin{source, stream, pull, pull}} {}

  /// Folds `other`'s origins into this id (used when events are combined).
  void track(const event_id& other);
  const std::vector<event_origin>& origins() const { return origins_; }
  bool empty() const { return origins_.empty(); }
  /// Returns the first stream of `source`, if the event came from it.
  bool stream_of(uint64_t source, uint64_t& stream) const;

private:
  std::vector<event_origin> origins_;
};

struct event {
  value payload;
  value meta; ///< `$` in the language; a record or null
  uint64_t ingest_ns = 0;
  event_id id;
  /// True when the source wants exactly one ack or fail for this event.
  bool transactional = false;
  /// True for the output of a batching operator: the payload is an array of
  /// events' payloads, and sinks write each element as an event of its own.
  bool is_batch = false;
};

/// Returns nanoseconds since the epoch (Tremor's ingest and `nanotime`).
uint64_t now_ns();

} // namespace temblor
