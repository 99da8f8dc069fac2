#pragma once

// Tremor's periodic measurements: a stage with `metrics_interval_s` set
// publishes its counts on the metrics channel on that interval, off the
// per-event path (counting itself happens once per batch).

#include <chrono>

#include "runtime/actors/atoms.hpp"
#include "runtime/core/event.hpp"
#include "runtime/core/measurements.hpp"
#include "runtime/core/metrics_hub.hpp"

namespace temblor {

/// Sends `self` its next metrics tick, when the stage reports metrics.
template <class Self>
void schedule_metrics(Self* self, const stage_stats& stats) {
  if (stats.metrics_interval_s > 0)
    self->delayed_send(self, std::chrono::seconds(stats.metrics_interval_s), atom::metrics_atom_v);
}

inline void publish_metrics(metrics_hub& hub, const stage_stats& stats) {
  for (const auto& m : measurements_of(stats, now_ns()))
    hub.publish(m);
}

} // namespace temblor
