#include "runtime/api/flow_graph.hpp"

namespace temblor::api {

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

std::string node_id(const std::string& flow, const graph_node& n) {
  return quoted(flow + (n.connector ? "/connector/" : "/pipeline/") + n.alias);
}

} // namespace

std::vector<flow_graph> flow_graphs(const dsl::deployment& d) {
  std::vector<flow_graph> out;
  for (const auto& f : d.flows) {
    flow_graph g;
    g.flow = f.alias;
    for (const auto& c : f.connectors)
      g.nodes.push_back(graph_node{c.alias, c.type, true});
    for (const auto& p : f.pipelines)
      g.nodes.push_back(graph_node{p.alias, "pipeline", false});
    auto index_of = [&](const dsl::endpoint& e) {
      bool connector = e.node == dsl::endpoint::kind::connector;
      for (size_t i = 0; i < g.nodes.size(); ++i)
        if (g.nodes[i].connector == connector && g.nodes[i].alias == e.alias)
          return i;
      // The loader resolved every endpoint; an unknown one cannot get here.
      return g.nodes.size();
    };
    for (const auto& c : f.connections) {
      size_t from = index_of(c.from), to = index_of(c.to);
      if (from < g.nodes.size() && to < g.nodes.size())
        g.edges.push_back(graph_edge{from, to, c.from.port, c.to.port});
    }
    out.push_back(std::move(g));
  }
  return out;
}

std::string graphs_dot(const std::vector<flow_graph>& graphs) {
  std::string out = "digraph deployment {\n  rankdir=LR;\n  node [fontname=\"sans-serif\"];\n";
  for (const auto& g : graphs) {
    out += "  subgraph " + quoted("cluster_" + g.flow) + " {\n    label=" + quoted(g.flow) + ";\n";
    for (const auto& n : g.nodes) {
      if (n.connector)
        out += "    " + node_id(g.flow, n) + " [shape=box, label=" +
               quoted(n.alias + "\\n(" + n.type + ")") + "];\n";
      else
        out += "    " + node_id(g.flow, n) + " [shape=ellipse, label=" + quoted(n.alias) + "];\n";
    }
    for (const auto& e : g.edges)
      out += "    " + node_id(g.flow, g.nodes[e.from]) + " -> " + node_id(g.flow, g.nodes[e.to]) +
             " [label=" + quoted(e.from_port + " → " + e.to_port) + "];\n";
    out += "  }\n";
  }
  return out + "}\n";
}

} // namespace temblor::api
