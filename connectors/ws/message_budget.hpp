#pragma once

// Bounds the memory a connector's peers can make it hold in messages that
// are still arriving: without it, N clients each sending most of a 64 MiB
// frame hold N × 64 MiB. Plain class, used on one event loop.

#include <cstddef>
#include <cstdint>

namespace temblor::connectors::ws {

/// The bytes of unfinished incoming messages, summed over every connection
/// of one connector, against a limit.
class message_budget {
public:
  explicit message_budget(size_t limit) : limit_(limit) {}

  /// Charges `bytes` more; false (nothing charged) when the total would
  /// exceed the limit: the caller drops that message and closes its
  /// connection with 1009.
  bool charge(size_t bytes) {
    if (bytes > limit_ - used_)
      return false;
    used_ += bytes;
    return true;
  }

  /// Gives back what a finished (or abandoned) message was charged.
  void release(size_t bytes) { used_ -= bytes <= used_ ? bytes : used_; }

  size_t used() const { return used_; }
  size_t limit() const { return limit_; }

private:
  size_t limit_;
  size_t used_ = 0;
};

} // namespace temblor::connectors::ws
