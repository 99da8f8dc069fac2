#pragma once

// Every typed actor interface of the runtime, with who sends each message.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>
#include <caf/replies_to.hpp>

#include "runtime/actors/atoms.hpp"
#include "runtime/actors/messages.hpp"
#include "runtime/supervisor/reconnect_policy.hpp"

namespace temblor {

/// Anything events flow into: a pipeline, or a connector's sink side.
using event_sink_actor = caf::typed_actor<
  // upstream stage -> us: a batch arriving on our input port
  caf::reacts_to<atom::event_atom, std::string, event_batch>,
  // upstream stage (its id) -> us: it is drained, nothing more follows
  caf::reacts_to<atom::drain_atom, uint64_t>>;

/// Whoever an event's origins name: the source that read it, and pipelines
/// whose operators asked to hear how the event fared.
using ack_target_actor = caf::typed_actor<
  // sink -> origin: a transactional event was written / could not be
  caf::reacts_to<atom::ack_atom, event_id>,
  caf::reacts_to<atom::fail_atom, event_id>>;

/// A source's contraflow endpoint.
using contraflow_actor = ack_target_actor::extend<
  // sink or pipeline (its id) -> every source upstream of it: stop / resume sending
  caf::reacts_to<atom::cb_trigger_atom, uint64_t>,
  caf::reacts_to<atom::cb_restore_atom, uint64_t>>;

/// What the supervisor drives on a connector.
using connectable_actor = caf::typed_actor<
  // supervisor -> connector: (re)connect now
  caf::reacts_to<atom::connect_atom>>;

/// Owns every connector's connection lifecycle: reconnect backoff and the
/// Failed state once retries are exhausted.
using supervisor_actor = caf::typed_actor<
  // deployer -> supervisor: supervise connector `id` (its alias) with its reconnect policy
  caf::reacts_to<atom::start_atom, uint64_t, std::string, reconnect_policy, connectable_actor>,
  // connector -> supervisor: outcome of a connect attempt, or a lost connection
  caf::reacts_to<atom::connected_atom, uint64_t>,
  caf::reacts_to<atom::conn_fail_atom, uint64_t, std::string>,
  caf::reacts_to<atom::conn_lost_atom, uint64_t, std::string>,
  // connector -> supervisor: a fault it cannot recover from; no reconnect
  caf::reacts_to<atom::fault_atom, uint64_t, std::string>,
  // deployer -> supervisor: stop reconnecting, we are shutting down
  caf::reacts_to<atom::stop_atom>>;

/// Tracks flows and coordinates the graceful stop.
using deployer_actor = caf::typed_actor<
  // sink connector (its id) -> deployer: drained after the stop began
  caf::reacts_to<atom::drained_atom, uint64_t>,
  // exit connector or signal handler -> deployer: stop after delay_ns
  caf::reacts_to<atom::shutdown_atom, uint64_t, bool>,
  // deployer -> itself: the drain took too long
  caf::reacts_to<atom::timeout_atom>,
  // signal handler, or itself when a delayed stop is due -> deployer: stop
  // (graceful: drain first; finish_input: pull-based sources read to their end)
  caf::reacts_to<atom::stop_atom, bool, bool>,
  // connector or supervisor -> deployer: stage `id` entered a state
  caf::reacts_to<atom::status_atom, uint64_t, stage_state>,
  // anyone -> deployer: the states of every connector, as alias -> state
  caf::replies_to<atom::status_atom>::with<std::map<std::string, std::string>>,
  // REST API -> deployer: every flow with its connectors, in Tremor's REST shapes
  // ({"flows": [{"alias", "status", "connectors": [{"alias", "type", "status",
  // "connectivity", "pipelines": {port: [{"alias", "port"}]}}]}]})
  caf::replies_to<caf::get_atom>::with<value>,
  // REST API -> deployer: pause / resume flow `flow` (connector "" = all of
  // them) or one of its connectors; false when there is no such thing
  caf::replies_to<atom::pause_atom, std::string, std::string>::with<bool>,
  caf::replies_to<atom::resume_atom, std::string, std::string>::with<bool>>;

/// How a stage's output port reaches the next stage.
struct port_link {
  std::string out_port;
  event_sink_actor target;
  std::string target_port;
};

/// What a connector must know about the graph around it, computed by the deployer.
struct connector_wiring {
  std::vector<port_link> outputs;
  /// Stages linked into our `in` port; we are drained after this many markers.
  size_t upstream_count = 0;
  /// Sources upstream of our sink, through pipelines: circuit-breaker targets.
  std::vector<contraflow_actor> upstream_sources;
  /// Sink connectors downstream of our source: we read only once all are up.
  std::vector<uint64_t> downstream_sinks;
  /// Every source and pipeline by id, for routing acks and fails of
  /// transactional events to the origins they name.
  std::map<uint64_t, ack_target_actor> ack_targets;
  supervisor_actor supervisor;
  deployer_actor deployer;
};

/// A connector: source and/or sink side, hosting one connectors/ implementation.
using connector_actor = event_sink_actor::extend_with<contraflow_actor, connectable_actor>::extend<
  // deployer -> connector: wire, then start; the reply comes once the impl exists
  caf::replies_to<atom::start_atom, connector_wiring>::with<caf::ok_atom>,
  // deployer -> connector: begin the graceful stop (true: read pull-based
  // input to its end first, the flow stopped itself) / stop at once
  caf::reacts_to<atom::drain_atom, bool>,
  caf::reacts_to<atom::stop_atom>,
  // deployer (an operator) -> connector: pause / resume reading
  caf::reacts_to<atom::pause_atom>,
  caf::reacts_to<atom::resume_atom>,
  // itself or a returned credit token -> connector: read more
  caf::reacts_to<atom::pull_atom>,
  // the blocking pool -> connector: a pull() finished; true while more can be read
  caf::reacts_to<atom::pulled_atom, bool>,
  // the blocking pool -> connector: pull() threw
  caf::reacts_to<atom::fault_atom, std::string>,
  // the implementation queued context calls: take all of them
  caf::reacts_to<atom::data_atom>,
  // itself, every metrics_interval_s: publish Tremor's measurements
  caf::reacts_to<atom::metrics_atom>>;

/// What a pipeline must know about the graph around it.
struct pipeline_wiring {
  std::vector<port_link> outputs;
  /// Stages linked into the pipeline; it is drained after this many markers.
  uint64_t upstream_count = 0;
  /// Sources feeding the pipeline, paused by its backpressure operators.
  std::vector<contraflow_actor> upstream_sources;
  /// Every source and pipeline by id: where fails of events lost to a fault go.
  std::map<uint64_t, ack_target_actor> ack_targets;
};

/// A pipeline: runs the compiled query on each event.
using pipeline_actor = event_sink_actor::extend_with<ack_target_actor>::extend<
  // deployer -> pipeline: wire, then start
  caf::replies_to<atom::start_atom, pipeline_wiring>::with<caf::ok_atom>,
  // deployer -> pipeline: begin the graceful stop (for pipelines nothing feeds)
  caf::reacts_to<atom::drain_atom>,
  // itself -> pipeline: advance time-driven operators
  caf::reacts_to<atom::tick_atom>,
  // itself, every metrics_interval_s: publish Tremor's measurements
  caf::reacts_to<atom::metrics_atom>>;

} // namespace temblor

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::reconnect_policy)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::connector_wiring)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::pipeline_wiring)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::port_link)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<temblor::port_link>)
