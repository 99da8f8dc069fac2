#pragma once

// A layered left-to-right layout of a flow graph, for the status page (no
// Graphviz at run time): cycles are broken by reversing the edges a
// depth-first walk finds going back (an echo flow's `pipeline -> server`),
// layers are longest paths from the sources, each layer is ordered by the
// mean position of its neighbours (a few sweeps), and nodes are stacked in
// their layer's column.

#include <vector>

#include "runtime/api/flow_graph.hpp"

namespace temblor::api {

struct node_box {
  double x = 0, y = 0; ///< top left
  double width = 0, height = 0;
  size_t layer = 0;
};

struct graph_layout {
  std::vector<node_box> nodes;   ///< by node index
  std::vector<bool> back_edges;  ///< by edge index: drawn right to left
  double width = 0, height = 0;  ///< of everything, margins included
};

/// Returns the width a node needs for its labels (alias, type).
double node_width(const graph_node& n);

/// Lays `g` out; boxes never overlap and every forward edge points right.
graph_layout layout_graph(const flow_graph& g);

} // namespace temblor::api
