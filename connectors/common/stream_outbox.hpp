#pragma once

// Hands the frames a stream connector's sink serialized (on the connector
// actor's thread) to its event loop: a mutex-guarded batch the loop takes
// whole, so a burst of writes costs one wake-up.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/common/peer_registry.hpp"
#include "runtime/core/event.hpp"

namespace temblor::connectors::common {

struct outgoing_bytes {
  peer_ptr target;
  std::string data;
  /// Set on the last frame of a transactional event: acked once the socket
  /// took that frame, failed if it never does.
  std::optional<event_id> completes;
};

class stream_outbox {
public:
  /// Queues `frames` (emptied); returns true when the caller must post a
  /// take() to the loop (none is pending).
  bool push(std::vector<outgoing_bytes>& frames);

  /// Moves every queued frame into `out` (event loop).
  void take(std::vector<outgoing_bytes>& out);

private:
  std::mutex mtx_;
  std::vector<outgoing_bytes> items_;
  bool take_posted_ = false;
};

} // namespace temblor::connectors::common
