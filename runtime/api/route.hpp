#pragma once

// Which endpoint of the REST API a request names: Tremor's `/v1` routes,
// plus what the process serves beside them (`/metrics`, the status page,
// the JSON counters and flow graphs the page and `temblor top` read).
// Plain string work, no I/O, so every path and method rule is unit-tested.

#include <string>
#include <string_view>

namespace temblor::api {

enum class endpoint {
  version,         ///< GET /v1/version
  status,          ///< GET /v1/status
  flows,           ///< GET /v1/flows
  flow,            ///< GET|PATCH /v1/flows/{flow}
  flow_connectors, ///< GET /v1/flows/{flow}/connectors
  connector,       ///< GET|PATCH /v1/flows/{flow}/connectors/{connector}
  flow_graph,      ///< GET /v1/flows/{flow}/graph.svg
  stats,           ///< GET /v1/stats: every stage's counters as JSON
  metrics,         ///< GET /metrics: Prometheus text exposition
  page,            ///< GET /: the status page
};

struct route {
  endpoint what = endpoint::page;
  bool patch = false;    ///< a PATCH (else GET or HEAD)
  std::string flow;      ///< percent-decoded
  std::string connector; ///< percent-decoded
};

/// Why a request matched no route: 404 (no such path) or 405 (the path
/// exists; `allow` lists its methods for the Allow header).
struct route_error {
  unsigned status = 404;
  std::string message;
  std::string allow;
};

/// Matches `method` and request `target` (path, optional query, which is
/// ignored; a trailing slash is tolerated). Returns false with `err` when
/// nothing matches.
bool match_route(std::string_view method, std::string_view target, route& out, route_error& err);

} // namespace temblor::api
