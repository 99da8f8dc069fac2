#include "tools/temblor/devtools/flow_graph.hpp"

namespace temblor::devtools {

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string node_id(const std::string& flow, const dsl::endpoint& e) {
  return quoted(flow + (e.node == dsl::endpoint::kind::connector ? "/connector/" : "/pipeline/") +
                e.alias);
}

} // namespace

std::string flow_graph_dot(const dsl::deployment& d) {
  std::string out = "digraph deployment {\n  rankdir=LR;\n  node [fontname=\"sans-serif\"];\n";
  for (const auto& f : d.flows) {
    out += "  subgraph " + quoted("cluster_" + f.alias) + " {\n    label=" + quoted(f.alias) + ";\n";
    for (const auto& c : f.connectors)
      out += "    " + quoted(f.alias + "/connector/" + c.alias) + " [shape=box, label=" +
             quoted(c.alias + "\\n(" + c.type + ")") + "];\n";
    for (const auto& p : f.pipelines)
      out += "    " + quoted(f.alias + "/pipeline/" + p.alias) + " [shape=ellipse, label=" +
             quoted(p.alias) + "];\n";
    for (const auto& c : f.connections)
      out += "    " + node_id(f.alias, c.from) + " -> " + node_id(f.alias, c.to) + " [label=" +
             quoted(c.from.port + " → " + c.to.port) + "];\n";
    out += "  }\n";
  }
  return out + "}\n";
}

} // namespace temblor::devtools
