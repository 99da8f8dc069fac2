#pragma once

// The actor running one pipeline instance's compiled query.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dsl/pipeline_runner.hpp"
#include "runtime/actors/interfaces.hpp"
#include "runtime/actors/stage_outputs.hpp"
#include "runtime/core/metrics_hub.hpp"
#include "runtime/core/stage_stats.hpp"

namespace temblor {

struct pipeline_state {
  static inline const char* name = "pipeline";

  std::string alias; ///< `flow::pipeline`
  uint64_t id = 0;
  std::unique_ptr<dsl::pipeline_runner> runner;
  stage_outputs outputs;
  pipeline_wiring wiring;
  deployer_actor deployer;
  bool pausing_upstream = false;
  uint64_t drain_markers = 0;
  bool drained = false;
  uint64_t faults = 0;
  std::shared_ptr<stage_stats> stats;
  std::shared_ptr<metrics_hub> metrics;

  /// Sends what the runner produced, one batch per output port.
  void dispatch(dsl::pipeline_output& out, const std::shared_ptr<credit_token>& credit);
  /// Lets the operators hear a sink's ack or fail of an event they tagged.
  void contraflow(bool acked, const event_id& ev_id);
  /// Pauses or resumes the sources upstream when an operator's wish changed.
  void update_breaker(uint64_t now);
  /// Forwards the drain marker once every upstream stage sent one.
  void maybe_drain();
  /// An exception escaped the query: the batch's transactional events fail,
  /// and the flow is reported failed (the pipeline keeps running).
  void fault(const std::string& what, size_t lost, const std::vector<event_id>& transactional);
};

pipeline_actor::behavior_type pipeline(pipeline_actor::stateful_pointer<pipeline_state> self,
                                       uint64_t id, std::string alias,
                                       std::shared_ptr<const dsl::pipeline_program> program,
                                       deployer_actor deployer, std::shared_ptr<stage_stats> stats,
                                       std::shared_ptr<metrics_hub> metrics);

} // namespace temblor
