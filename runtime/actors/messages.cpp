#include "runtime/actors/messages.hpp"

namespace temblor {

const char* to_string(stage_state s) {
  switch (s) {
    case stage_state::initializing: return "initializing";
    case stage_state::running: return "running";
    case stage_state::paused: return "paused";
    case stage_state::draining: return "draining";
    case stage_state::stopped: return "stopped";
    case stage_state::failed: return "failed";
  }
  return "unknown";
}

} // namespace temblor
