#pragma once

// The graph of a deployment in Graphviz's dot language: one cluster per
// flow, connectors as boxes, pipelines as ellipses, edges labelled
// `out_port -> in_port`. `temblor dbg dot` prints it; the status page draws
// the same graph.

#include <string>

#include "dsl/deployment.hpp"

namespace temblor::devtools {

std::string flow_graph_dot(const dsl::deployment& d);

} // namespace temblor::devtools
