#pragma once

// A flow graph drawn as standalone SVG for the status page: connectors as
// boxes (alias, type), pipelines as rounded boxes, edges as curves labelled
// `out_port → in_port`; edges that go back (an echo's reply) run below the
// nodes. Each node is a <g data-stage="flow::alias"> holding an empty
// <text class="rate"> the page fills with the stage's live rate.

#include <string>

#include "runtime/api/flow_graph.hpp"

namespace temblor::api {

/// Returns the SVG document for `g`.
std::string graph_svg(const flow_graph& g);

} // namespace temblor::api
