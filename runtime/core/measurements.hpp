#pragma once

// Tremor's periodic measurements of a stage, built from its stats: for a
// connector one `connector_events` record per port, for a pipeline one
// `events` record per port of the pipeline.

#include <cstdint>
#include <vector>

#include "runtime/core/stage_stats.hpp"
#include "runtime/core/value.hpp"

namespace temblor {

std::vector<value> measurements_of(const stage_stats& stats, uint64_t timestamp_ns);

} // namespace temblor
