#pragma once

// Spawns the stages of a plan, wires them, starts the connectors through the
// supervisor, and runs the graceful stop: drain every connector (bounded by
// the drain timeout), then stop everything.

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "runtime/actors/interfaces.hpp"
#include "runtime/deployer/deployment_plan.hpp"

namespace temblor {

struct deployer_state {
  static inline const char* name = "deployer";

  supervisor_actor supervisor;
  std::map<uint64_t, connector_actor> connectors;
  std::map<uint64_t, pipeline_actor> pipelines;
  std::map<uint64_t, std::string> aliases;
  std::map<uint64_t, std::string> flow_of; ///< connector id -> flow alias
  std::map<uint64_t, stage_state> states;
  std::set<uint64_t> drained;
  bool stopping = false;
  std::chrono::milliseconds drain_timeout{5000};

  /// Begins the stop: drain first when graceful, else stop at once.
  void stop(deployer_actor::pointer self, bool graceful);
  void stop_now(deployer_actor::pointer self);
  /// Returns every connector's state by alias and every flow's by name.
  std::map<std::string, std::string> status() const;
};

/// Spawned with the plan; returns once every stage got its wiring.
deployer_actor::behavior_type deployer(deployer_actor::stateful_pointer<deployer_state> self,
                                       std::shared_ptr<deployment_plan> plan);

} // namespace temblor
