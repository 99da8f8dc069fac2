#include <doctest/doctest.h>

#include <algorithm>

#include "runtime/api/graph_layout.hpp"
#include "runtime/api/graph_svg.hpp"

using namespace temblor::api;

namespace {

// ws echo: server -> echo -> server, server -> record -> file.
flow_graph echo_graph() {
  flow_graph g;
  g.flow = "server";
  g.nodes = {{"ws_in", "ws_server", true}, {"received", "file", true}, {"echo", "pipeline", false},
             {"record", "pipeline", false}};
  g.edges = {{0, 2, "out", "in"}, {2, 0, "out", "in"}, {0, 3, "out", "in"}, {3, 1, "out", "in"}};
  return g;
}

bool overlap(const node_box& a, const node_box& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

void check_sane(const flow_graph& g, const graph_layout& lay) {
  REQUIRE(lay.nodes.size() == g.nodes.size());
  for (size_t i = 0; i < lay.nodes.size(); ++i) {
    const auto& a = lay.nodes[i];
    CHECK(a.x >= 0);
    CHECK(a.y >= 0);
    CHECK(a.x + a.width <= lay.width);
    CHECK(a.y + a.height <= lay.height);
    CHECK(a.width >= node_width(g.nodes[i]));
    for (size_t j = i + 1; j < lay.nodes.size(); ++j)
      CHECK_MESSAGE(!overlap(a, lay.nodes[j]), g.nodes[i].alias << " overlaps " << g.nodes[j].alias);
  }
  for (size_t e = 0; e < g.edges.size(); ++e) {
    const auto& from = lay.nodes[g.edges[e].from];
    const auto& to = lay.nodes[g.edges[e].to];
    if (lay.back_edges[e])
      CHECK(from.x >= to.x);
    else
      CHECK_MESSAGE(from.x + from.width < to.x, "edge " << e << " does not point right");
  }
}

} // namespace

TEST_SUITE("api.graph") {

TEST_CASE("an echo flow: one back edge, every other edge points right, no overlaps") {
  auto g = echo_graph();
  auto lay = layout_graph(g);
  check_sane(g, lay);
  CHECK(std::count(lay.back_edges.begin(), lay.back_edges.end(), true) == 1);
  CHECK(lay.back_edges[1]); // echo -> ws_in goes back
  CHECK(lay.nodes[0].layer == 0);
  CHECK(lay.nodes[2].layer == 1);
  CHECK(lay.nodes[1].layer == 2);
}

TEST_CASE("a chain lays out one node per column, left to right") {
  flow_graph g;
  g.flow = "f";
  g.nodes = {{"in", "file", true}, {"out", "file", true}, {"a", "pipeline", false}, {"b", "pipeline", false}};
  g.edges = {{0, 2, "out", "in"}, {2, 3, "out", "in"}, {3, 1, "out", "in"}, {2, 1, "err", "in"}};
  auto lay = layout_graph(g);
  check_sane(g, lay);
  CHECK(lay.nodes[0].layer == 0);
  CHECK(lay.nodes[2].layer == 1);
  CHECK(lay.nodes[3].layer == 2);
  CHECK(lay.nodes[1].layer == 3); // the longest path decides
}

TEST_CASE("fan-out stacks nodes in one column, a self-loop and an empty graph do not break it") {
  flow_graph g;
  g.flow = "f";
  g.nodes = {{"src", "metronome", true}, {"p1", "pipeline", false}, {"p2", "pipeline", false},
             {"p3", "pipeline", false}};
  g.edges = {{0, 1, "out", "in"}, {0, 2, "out", "in"}, {0, 3, "out", "in"}, {3, 3, "out", "in"}};
  auto lay = layout_graph(g);
  check_sane(g, lay);
  CHECK(lay.nodes[1].x == lay.nodes[2].x);
  CHECK(lay.back_edges[3]);
  flow_graph empty;
  auto none = layout_graph(empty);
  CHECK(none.nodes.empty());
  CHECK(none.width > 0);
}

TEST_CASE("the SVG has a node per stage with its alias, type and a rate slot, and every edge label") {
  auto svg = graph_svg(echo_graph());
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("data-stage=\"server::ws_in\"") != std::string::npos);
  CHECK(svg.find("data-stage=\"server::record\"") != std::string::npos);
  CHECK(svg.find(">(ws_server)<") != std::string::npos);
  size_t rates = 0, labels = 0;
  for (size_t at = 0; (at = svg.find("class=\"rate\"", at)) != std::string::npos; ++at)
    ++rates;
  for (size_t at = 0; (at = svg.find(">out → in<", at)) != std::string::npos; ++at)
    ++labels;
  CHECK(rates == 4);
  CHECK(labels == 4);
  CHECK(svg.find("class=\"edge back\"") != std::string::npos);
}

TEST_CASE("names are escaped in the SVG") {
  flow_graph g;
  g.flow = "a<b";
  g.nodes = {{"x&y", "file", true}};
  auto svg = graph_svg(g);
  CHECK(svg.find("x&amp;y") != std::string::npos);
  CHECK(svg.find("a&lt;b") != std::string::npos);
  CHECK(svg.find("x&y") == std::string::npos);
}

}
