#pragma once

// Payloads that cross actor boundaries.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "runtime/core/event.hpp"

namespace temblor {

/// Returns one unit of a source's in-flight budget when the last copy of a
/// batch (or of anything derived from it) is gone. Sources read only while
/// they have budget, so a slow sink bounds memory instead of mailboxes growing.
class credit_token {
public:
  using release_fn = void (*)(void* owner);
  credit_token(std::shared_ptr<void> owner, release_fn release)
    : owner_(std::move(owner)), release_(release) {}
  credit_token(const credit_token&) = delete;
  credit_token& operator=(const credit_token&) = delete;
  ~credit_token() { release_(owner_.get()); }

private:
  std::shared_ptr<void> owner_;
  release_fn release_;
};

/// Events travel in batches: one actor message per read chunk, not per event.
struct event_batch {
  std::vector<event> events;
  std::shared_ptr<credit_token> credit; ///< null for sources without a budget
};

/// A connector's or flow's lifecycle state, as the REST API will report it.
enum class stage_state : uint8_t { initializing, running, paused, draining, stopped, failed };

const char* to_string(stage_state s);

} // namespace temblor

// Events and values stay inside one process today; they gain inspect()
// overloads when flows are distributed across nodes.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::event_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::event_id)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::value)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::stage_state)
