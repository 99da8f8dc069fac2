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
  std::map<uint64_t, std::string> flow_of; ///< stage id -> flow alias
  std::map<uint64_t, std::string> types;   ///< connector id -> its type
  std::map<uint64_t, std::shared_ptr<stage_stats>> stats; ///< connectors
  std::map<uint64_t, std::shared_ptr<stage_stats>> pipeline_stats;
  /// What each stage's output ports are linked to (for the REST API).
  std::map<uint64_t, std::vector<planned_link>> links;
  std::set<uint64_t> paused; ///< connectors an operator paused
  std::map<uint64_t, stage_state> states; ///< connectors, and pipelines that failed
  std::set<uint64_t> drained;
  std::vector<std::string> flows;
  bool stopping = false;
  bool keep_serving = false;
  std::chrono::milliseconds drain_timeout{5000};
  /// What the process exits with; set non-zero by failures.
  std::shared_ptr<int> exit_code;

  /// Begins the stop: drain first when graceful (`finish_input`: pull-based
  /// sources read to their end first), else stop at once.
  void stop(deployer_actor::pointer self, bool graceful, bool finish_input);
  void stop_now(deployer_actor::pointer self);
  /// Records a stage's state; stops the process when every flow has failed.
  void set_state(deployer_actor::pointer self, uint64_t id, stage_state state);
  /// Returns every flow's state (its least healthy stage).
  std::map<std::string, stage_state> flow_states() const;
  /// Returns every connector's state by alias and every flow's by name.
  std::map<std::string, std::string> status() const;
  /// Returns the REST API's view of every flow.
  value describe() const;
  /// Pauses or resumes the connectors of `flow` (all, or the one named
  /// `connector`, its alias within the flow); false when none matched.
  bool set_paused(deployer_actor::pointer self, const std::string& flow,
                  const std::string& connector, bool pause);
};

/// Spawned with the plan; returns once every stage got its wiring. The
/// process should exit with `*exit_code` once the deployer is gone.
deployer_actor::behavior_type deployer(deployer_actor::stateful_pointer<deployer_state> self,
                                       std::shared_ptr<deployment_plan> plan,
                                       std::shared_ptr<int> exit_code);

} // namespace temblor
