#pragma once

// Which entries of one ordered log (a Kafka partition, the wal) may be
// forgotten, and on which runtime stream they travel.
//
// Entries go downstream in order on one stream, every event carrying its
// entry's number as pull id. An ack names the highest entry of what it
// acknowledges (a batch's ack names only its last event: Tremor's rule), so
// it acknowledges every entry up to that one; a fail names the lowest, and
// the log is read again from there. A rewind moves reading to a new stream:
// acks still coming for the old one count only below the rewind point, so
// they never cover an entry that was sent again.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace temblor::connectors::kafka {

class offset_tracker {
public:
  explicit offset_tracker(uint64_t stream = 0) : stream_(stream) {}

  /// The stream new entries go on.
  uint64_t stream() const { return stream_; }

  /// Records that the entry `offset` was handed downstream on stream();
  /// false (the caller drops the message) when it is out of order, as
  /// messages fetched before a rewind's seek took effect are.
  bool emitted(int64_t offset);
  /// Acknowledges every entry in flight up to `offset` that `stream` carried
  /// (up to where it was rewound); appends them to `done` when given.
  /// Returns how many; 0 for a stale ack (after a rewind or a restart).
  size_t ack(uint64_t stream, int64_t offset, std::vector<int64_t>* done = nullptr);
  /// Reads again from `offset` (a fail on `stream`): the entries from there
  /// on are forgotten, the next one emitted must be `offset`, and they go on
  /// `next_stream`. False when `offset` was not sent since the last restart,
  /// or `stream` was rewound below it already.
  bool rewind(uint64_t stream, int64_t offset, uint64_t next_stream);
  /// Forgets everything and goes on `next_stream` (partition reassigned).
  void restart(uint64_t next_stream);
  /// Streams that carry nothing in flight any more: the caller ends them.
  std::vector<uint64_t> take_finished();

  /// Whether `offset` is sent and not yet acknowledged.
  bool in_flight(int64_t offset) const;
  /// The entry to read first after a crash: the lowest in flight, else one
  /// past the highest acknowledged; -1 before any.
  int64_t committable() const;
  size_t in_flight() const { return in_flight_.size(); }

private:
  struct retired_stream {
    uint64_t stream;
    int64_t limit; ///< its acks count only below this entry
  };
  /// How far acks on `stream` count; false for a stream not (any more) ours.
  bool limit_of(uint64_t stream, int64_t& limit) const;
  void retire_idle_streams();

  uint64_t stream_;
  std::vector<retired_stream> retired_;
  std::vector<uint64_t> finished_;
  std::deque<int64_t> in_flight_; ///< ascending
  int64_t highest_done_ = -1;
  int64_t first_ = -1;  ///< first entry sent since the last restart
  int64_t last_ = -1;   ///< last entry sent
  int64_t expect_ = -1; ///< after a rewind: the entry that must come next
};

} // namespace temblor::connectors::kafka
