#pragma once

// PATCH /v1/flows/{flow}[/connectors/{connector}] with {"status": "paused"
// | "running"}: what the body asks for, and whether the target's current
// state allows it (Tremor: the same state is a no-op, running <-> paused
// are the only changes, anything else is a 400).

#include <string>

#include "runtime/api/views.hpp"
#include "runtime/core/value.hpp"

namespace temblor::api {

enum class patch_action { none, pause, resume };

/// Decides what a PATCH does to a flow or connector named `what` (for
/// messages) whose status is `current`. False with a 400 `error` for a body
/// that is not {"status": "paused"|"running"} or a change Tremor refuses.
bool plan_patch(const value& body, const std::string& what, const std::string& current,
                patch_action& action, reply& error);

} // namespace temblor::api
