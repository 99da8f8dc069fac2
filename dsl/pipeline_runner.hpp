#pragma once

// Executes a compiled pipeline (trickle query) on events. Used by the
// runtime's pipeline actor, one runner per pipeline instance; not thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "runtime/core/event.hpp"

namespace temblor::dsl {

class pipeline_program;

struct emitted_event {
  std::string port; ///< the pipeline output port (`out`, `err`, `exit`, …)
  event ev;
};

/// Collects what one call produced: events for output ports, and rendered
/// runtime errors (select errors are logged, not emitted).
struct pipeline_output {
  std::vector<emitted_event> events;
  std::vector<std::string> errors;
};

class pipeline_runner {
public:
  virtual ~pipeline_runner() = default;

  /// Runs `ev` arriving on input port `port` through the graph.
  virtual void process(const std::string& port, event ev, pipeline_output& out) = 0;

  /// Advances time-driven operators (batch timeouts, interval windows).
  virtual void tick(uint64_t now_ns, pipeline_output& out) = 0;

  /// Returns the period in ns at which tick() is wanted, 0 for never.
  virtual uint64_t tick_interval_ns() const = 0;

  /// Hands a sink's ack (`acked`) or fail of an event this pipeline's
  /// operators tagged back to them.
  virtual void contraflow(bool acked, const event_id& id, uint64_t now_ns) = 0;

  /// True while an operator wants the pipeline's sources paused.
  virtual bool pauses_upstream(uint64_t now_ns) const = 0;

  /// Flushes what operators hold (windows, batches) at drain time.
  virtual void flush(pipeline_output& out) = 0;

  /// Gives every event from now on this origin URI record ({scheme, host,
  /// port, path, uri}) for `origin::*` (`temblor run` names its input).
  virtual void set_origin(value uri) = 0;
};

/// Creates a runner for `program` (fresh operator and script state).
/// `stage_id` is the pipeline's id in the deployment: operators tag events
/// with it so that contraflow finds its way back.
std::unique_ptr<pipeline_runner> make_pipeline_runner(const pipeline_program& program,
                                                      uint64_t stage_id = 0);

} // namespace temblor::dsl
