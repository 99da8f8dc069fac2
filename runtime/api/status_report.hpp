#pragma once

// What `temblor status` and `temblor top` show: the API's documents
// (/v1/status, /v1/flows, each flow's /connectors, /v1/stats) joined into
// one row per flow, connector and pipeline, rates from two reports taken
// apart in time, and the plain-text table both commands print.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/core/value.hpp"

namespace temblor::api {

/// A rate not known yet (a first report has nothing to compare with).
inline constexpr double no_rate = -1;

struct stage_row {
  std::string flow, alias;
  std::string type;                     ///< connectors only
  std::string status, connectivity;     ///< connectors only (from the flow's /connectors)
  uint64_t in = 0, out = 0;             ///< connectors: written, read; pipelines: in, out
  uint64_t errors = 0, dropped = 0, reconnects = 0;
  double in_rate = no_rate, out_rate = no_rate;
};

struct status_report {
  std::string instance;
  uint64_t time_ns = 0;
  bool healthy = true;                  ///< /v1/status answered 200
  uint64_t num_flows = 0;
  std::map<std::string, uint64_t> flows_by_state;
  std::vector<std::pair<std::string, std::string>> flows;  ///< alias, status, in the API's order
  std::vector<stage_row> connectors, pipelines;
};

/// The documents a report is made of, as decoded JSON.
struct api_documents {
  unsigned status_code = 200;           ///< of /v1/status
  value status, flows, stats;
  std::map<std::string, value> connectors;  ///< flow alias -> its /connectors
};

/// Joins the documents; false with `err` naming what is missing or malformed.
bool build_report(const api_documents& docs, status_report& out, std::string& err);

/// Fills the rates of `now` (events per second) from an earlier report of
/// the same process; stages absent from `before` keep no_rate.
void add_rates(status_report& now, const status_report& before);

/// Renders the report as aligned plain text, one section per flow.
std::string render_report(const status_report& report, const std::string& api_address);

} // namespace temblor::api
