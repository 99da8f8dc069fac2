#pragma once

// GET /metrics: every stage counter in Prometheus' text exposition format
// (version 0.0.4). Families are named temblor_<stage>_<what>[_total]; every
// sample carries the instance (`-i`) and flow, then the connector (and its
// type) or pipeline, and port counts their direction and port.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/stage_stats.hpp"

namespace temblor::api {

struct exposition_input {
  std::string instance;
  std::string version;
  std::vector<std::shared_ptr<stage_stats>> stages;
  /// The API server's own counters (requests, rejections…).
  std::map<std::string, uint64_t> api_counters;
};

/// Returns the exposition text; reads the counters with relaxed loads, so it
/// never waits for the stages.
std::string prometheus_text(const exposition_input& in);

/// The Content-Type of prometheus_text().
inline constexpr const char* prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace temblor::api
