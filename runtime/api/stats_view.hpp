#pragma once

// GET /v1/stats: the same counters /metrics exposes, as one JSON document
// the status page and `temblor top` read (they compute rates from two
// snapshots and their `time_ns`).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/stage_stats.hpp"
#include "runtime/core/value.hpp"

namespace temblor::api {

/// Returns {"instance", "time_ns", "stages": [{"flow", "alias" (within the
/// flow), "kind" (connector|pipeline), "type", "in": {port: n}, "out":
/// {port: n}, "acks", "fails", "bytes_in", "bytes_out", "errors", "dropped",
/// "reconnects", "connected", "open", "counters": {name: n}}]}.
value stats_value(const std::string& instance, uint64_t time_ns,
                  const std::vector<std::shared_ptr<stage_stats>>& stages);

} // namespace temblor::api
