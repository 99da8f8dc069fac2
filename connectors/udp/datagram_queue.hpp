#pragma once

// The datagrams udp_server has read and not yet handed to the flow. While
// the runtime holds the server paused (its flow fell behind for a moment)
// the server keeps reading into this queue: the kernel's receive buffer is
// small (~200 KiB by default, a few hundred small datagrams on loopback, 2-3
// ms at 100k datagrams/s) and drops what does not fit, so a short stall
// downstream would otherwise lose datagrams. The queue is bounded by the
// memory its datagrams take; once full the server stops reading and the
// kernel holds, then drops (and counts), the rest.

#include <cstddef>
#include <deque>
#include <string>

namespace temblor::connectors::udp {

class datagram_queue {
public:
  /// What one queued datagram costs beyond its bytes (string and deque
  /// bookkeeping, allocator rounding): counted so tiny datagrams cannot
  /// take far more memory than the bound says.
  static constexpr size_t overhead_per_datagram = 64;

  explicit datagram_queue(size_t max_bytes) : max_bytes_(max_bytes) {}

  /// Whether the reader may read more. The reader checks before each batch
  /// it reads, so the queue may go over its bound by one batch.
  bool has_room() const { return bytes_ < max_bytes_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  /// Bytes accounted for (payloads plus overhead_per_datagram each).
  size_t bytes() const { return bytes_; }

  void push(std::string datagram);
  /// Takes the oldest datagram; the queue must not be empty.
  std::string pop();
  /// Forgets everything; returns how many datagrams were dropped.
  size_t clear();

private:
  std::deque<std::string> items_;
  size_t bytes_ = 0;
  size_t max_bytes_;
};

} // namespace temblor::connectors::udp
