#include "runtime/api/graph_svg.hpp"

#include <cstdio>
#include <map>
#include <utility>

#include "runtime/api/graph_layout.hpp"

namespace temblor::api {

namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", d);
  return buf;
}

const char* style = R"(<style>
  .node rect { stroke: #3b5b8c; stroke-width: 1.5; }
  .node.connector rect { fill: #e8f0fb; }
  .node.pipeline rect { fill: #f3ecfa; stroke: #6b4b8c; }
  .node text { font: 12px sans-serif; fill: #1b1b1b; text-anchor: middle; }
  .node text.type { fill: #555; font-size: 11px; }
  .node text.rate { fill: #0a6b2b; font-size: 11px; font-weight: bold; }
  .edge path { fill: none; stroke: #777; stroke-width: 1.3; }
  .edge.back path { stroke-dasharray: 5 3; }
  .edge text { font: 11px sans-serif; fill: #444; text-anchor: middle; }
</style>
)";

} // namespace

std::string graph_svg(const flow_graph& g) {
  graph_layout lay = layout_graph(g);
  std::string out;
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow-graph\" data-flow=\"" +
         xml_escape(g.flow) + "\" width=\"" + num(lay.width) + "\" height=\"" + num(lay.height) +
         "\" viewBox=\"0 0 " + num(lay.width) + " " + num(lay.height) + "\">\n";
  out += style;
  out += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
         "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
         "fill=\"#777\"/></marker></defs>\n";

  // Edges between the same two nodes are spread apart so their labels do not overlap.
  std::map<std::pair<size_t, size_t>, size_t> seen, total;
  for (const auto& e : g.edges)
    ++total[{std::min(e.from, e.to), std::max(e.from, e.to)}];
  double bottom = 0;
  for (const auto& b : lay.nodes)
    bottom = std::max(bottom, b.y + b.height);

  for (size_t i = 0; i < g.edges.size(); ++i) {
    const auto& e = g.edges[i];
    const auto& a = lay.nodes[e.from];
    const auto& b = lay.nodes[e.to];
    auto key = std::make_pair(std::min(e.from, e.to), std::max(e.from, e.to));
    double k = static_cast<double>(seen[key]++);
    double spread = k - (static_cast<double>(total[key]) - 1) / 2;
    std::string d;
    double lx, ly;
    if (!lay.back_edges[i]) {
      double x1 = a.x + a.width, y1 = a.y + a.height / 2 + spread * 12;
      double x2 = b.x, y2 = b.y + b.height / 2 + spread * 12;
      double dx = (x2 - x1) / 2;
      d = "M" + num(x1) + "," + num(y1) + " C" + num(x1 + dx) + "," + num(y1) + " " + num(x2 - dx) +
          "," + num(y2) + " " + num(x2) + "," + num(y2);
      lx = (x1 + x2) / 2;
      ly = (y1 + y2) / 2 - 4;
    } else {
      // Back (or self) edges leave from the bottom and run below every node.
      double x1 = a.x + a.width / 2 + spread * 16, y1 = a.y + a.height;
      double x2 = b.x + b.width / 2 - spread * 16, y2 = b.y + b.height;
      double low = bottom + 26 + k * 12;
      if (e.from == e.to) {
        x1 = a.x + a.width * 0.7;
        x2 = a.x + a.width * 0.3;
      }
      d = "M" + num(x1) + "," + num(y1) + " C" + num(x1) + "," + num(low) + " " + num(x2) + "," +
          num(low) + " " + num(x2) + "," + num(y2);
      lx = (x1 + x2) / 2;
      ly = 0.125 * y1 + 0.75 * low + 0.125 * y2 + 13;
    }
    out += "<g class=\"edge" + std::string(lay.back_edges[i] ? " back" : "") + "\"><path d=\"" + d +
           "\" marker-end=\"url(#arrow)\"/><text x=\"" + num(lx) + "\" y=\"" + num(ly) + "\">" +
           xml_escape(e.from_port + " → " + e.to_port) + "</text></g>\n";
  }

  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = g.nodes[i];
    const auto& box = lay.nodes[i];
    double cx = box.x + box.width / 2;
    out += "<g class=\"node " + std::string(n.connector ? "connector" : "pipeline") +
           "\" data-stage=\"" + xml_escape(g.flow + "::" + n.alias) + "\"><rect x=\"" + num(box.x) +
           "\" y=\"" + num(box.y) + "\" width=\"" + num(box.width) + "\" height=\"" +
           num(box.height) + "\" rx=\"" + (n.connector ? "3" : "16") + "\"/>";
    out += "<text x=\"" + num(cx) + "\" y=\"" + num(box.y + 16) + "\">" + xml_escape(n.alias) + "</text>";
    out += "<text class=\"type\" x=\"" + num(cx) + "\" y=\"" + num(box.y + 29) + "\">" +
           xml_escape(n.connector ? "(" + n.type + ")" : "pipeline") + "</text>";
    out += "<text class=\"rate\" x=\"" + num(cx) + "\" y=\"" + num(box.y + 41) + "\"></text></g>\n";
  }
  out += "</svg>\n";
  return out;
}

} // namespace temblor::api
