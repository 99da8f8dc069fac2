#pragma once

// The graph of each deployed flow: its connectors and pipelines, and the
// `connect` statements between their ports. `temblor dbg dot` prints it in
// Graphviz's language; the status page draws the same graph as SVG.

#include <cstddef>
#include <string>
#include <vector>

#include "dsl/deployment.hpp"

namespace temblor::api {

struct graph_node {
  std::string alias;     ///< within the flow
  std::string type;      ///< the connector type, or "pipeline"
  bool connector = true; ///< else a pipeline
};

struct graph_edge {
  size_t from = 0; ///< index into flow_graph::nodes
  size_t to = 0;
  std::string from_port;
  std::string to_port;
};

struct flow_graph {
  std::string flow;
  std::vector<graph_node> nodes; ///< connectors first, then pipelines, as created
  std::vector<graph_edge> edges; ///< in `connect` order
};

/// Returns one graph per flow of the deployment, in deployment order.
std::vector<flow_graph> flow_graphs(const dsl::deployment& d);

/// Returns the graphs in dot: one cluster per flow, connectors as boxes,
/// pipelines as ellipses, edges labelled `out_port → in_port`.
std::string graphs_dot(const std::vector<flow_graph>& graphs);

} // namespace temblor::api
