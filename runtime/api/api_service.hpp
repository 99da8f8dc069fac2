#pragma once

// The REST API's request handling, apart from sockets: a request in, a
// response out through a callback (at once for what the process knows
// itself: version, /metrics, stats, graphs, the page; after the deployer's
// answer for flows and connectors). Tests drive it with a fake deployer.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/http/server/request.hpp"
#include "runtime/api/deployer_link.hpp"
#include "runtime/api/flow_graph.hpp"
#include "runtime/api/route.hpp"
#include "runtime/core/stage_stats.hpp"

namespace temblor::api {

struct http_reply {
  unsigned status = 200;
  connectors::http::http_headers headers;
  std::string body;
};

struct service_settings {
  std::string instance = "tremor"; ///< `-i`, a label on every metric
  std::string version;
  bool debug_build = false;
  std::shared_ptr<stats_registry> stats = std::make_shared<stats_registry>();
  std::vector<flow_graph> graphs;
  /// The HTTP server's own counters, for /metrics (may be empty).
  std::function<std::map<std::string, uint64_t>()> server_counters;
};

class api_service {
public:
  explicit api_service(service_settings settings);

  /// Connects the service to the deployer; until then flow routes answer 503.
  void set_link(std::shared_ptr<deployer_link> link) { link_ = std::move(link); }

  /// Answers `req` through `respond`, exactly once, now or later (from the
  /// link's thread). Call from one thread at a time.
  void handle(const connectors::http::http_request& req, std::function<void(http_reply)> respond);

private:
  using responder = std::function<void(http_reply)>;
  /// Asks the deployer for its view, then calls `then` with it and `respond`
  /// (answers 503 itself when the deployer does not answer).
  void with_view(responder respond, std::function<void(const value&, const responder&)> then);
  void patch(const route& r, const connectors::http::http_request& req, responder respond);

  service_settings settings_;
  std::shared_ptr<deployer_link> link_;
};

} // namespace temblor::api
