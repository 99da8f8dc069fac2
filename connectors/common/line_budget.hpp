#pragma once

// The memory a stream server's peers may tie up in unfinished lines: what
// each connection sent after its last newline waits in the runtime's
// `separate` preprocessor until the line ends. One budget per connector,
// so ten thousand peers that each hold back a little cannot add up to
// more than one limit. Plain class, used on the server's event loop only.

#include <cstdint>
#include <string_view>

namespace temblor::connectors::common {

class line_budget {
public:
  /// `limit` bytes in total; 0 means no limit.
  explicit line_budget(uint64_t limit) : limit_(limit) {}

  /// Accounts `chunk`, just read from a connection whose unfinished line so
  /// far is `partial` bytes (updated). Returns false when the total now
  /// exceeds the limit: the caller closes that connection, the one that
  /// grew, and release()s it.
  bool take(uint64_t& partial, std::string_view chunk);

  /// Gives back a connection's unfinished bytes when it closes.
  void release(uint64_t& partial);

  uint64_t used() const { return used_; }
  uint64_t limit() const { return limit_; }

private:
  uint64_t limit_;
  uint64_t used_ = 0;
};

} // namespace temblor::connectors::common
