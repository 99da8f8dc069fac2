#pragma once

// Payloads that cross actor boundaries.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "runtime/core/batch.hpp"
#include "runtime/core/event.hpp"

namespace temblor {

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
