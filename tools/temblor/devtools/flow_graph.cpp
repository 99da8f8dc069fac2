#include "tools/temblor/devtools/flow_graph.hpp"

#include "runtime/api/flow_graph.hpp"

namespace temblor::devtools {

std::string flow_graph_dot(const dsl::deployment& d) {
  return api::graphs_dot(api::flow_graphs(d));
}

} // namespace temblor::devtools
