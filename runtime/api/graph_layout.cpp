#include "runtime/api/graph_layout.hpp"

#include <algorithm>
#include <functional>

namespace temblor::api {

namespace {

constexpr double char_width = 7.2; // sans-serif at 12 px, a little generous
constexpr double node_height = 46;
constexpr double column_gap = 90;  // room for an edge label between columns
constexpr double row_gap = 34;
constexpr double margin = 20;
constexpr double back_edge_room = 40; // below the nodes, where back edges run

// Marks the edges a depth-first walk finds pointing at a node still on its
// stack; reversing them leaves a DAG. Walks start at nodes nothing feeds,
// so in a chain the edge back to the start is the one reversed.
std::vector<bool> find_back_edges(const flow_graph& g) {
  size_t n = g.nodes.size();
  std::vector<std::vector<size_t>> out_edges(n);
  std::vector<size_t> fed(n, 0);
  for (size_t e = 0; e < g.edges.size(); ++e) {
    out_edges[g.edges[e].from].push_back(e);
    if (g.edges[e].from != g.edges[e].to)
      ++fed[g.edges[e].to];
  }
  enum class mark { fresh, on_stack, done };
  std::vector<mark> marks(n, mark::fresh);
  std::vector<bool> back(g.edges.size(), false);
  std::function<void(size_t)> visit = [&](size_t v) {
    marks[v] = mark::on_stack;
    for (size_t e : out_edges[v]) {
      size_t w = g.edges[e].to;
      if (marks[w] == mark::on_stack)
        back[e] = true;
      else if (marks[w] == mark::fresh)
        visit(w);
    }
    marks[v] = mark::done;
  };
  for (size_t v = 0; v < n; ++v)
    if (fed[v] == 0 && marks[v] == mark::fresh)
      visit(v);
  for (size_t v = 0; v < n; ++v)
    if (marks[v] == mark::fresh)
      visit(v);
  return back;
}

} // namespace

double node_width(const graph_node& n) {
  size_t chars = std::max(n.alias.size(), n.type.size() + 2);
  return std::max(96.0, static_cast<double>(chars) * char_width + 28);
}

graph_layout layout_graph(const flow_graph& g) {
  graph_layout out;
  size_t n = g.nodes.size();
  out.nodes.resize(n);
  out.back_edges = find_back_edges(g);
  if (n == 0) {
    out.width = out.height = 2 * margin;
    return out;
  }

  // DAG edges (back edges reversed, self-loops left out).
  std::vector<std::pair<size_t, size_t>> dag;
  for (size_t e = 0; e < g.edges.size(); ++e) {
    const auto& edge = g.edges[e];
    if (edge.from == edge.to)
      continue;
    dag.emplace_back(out.back_edges[e] ? edge.to : edge.from, out.back_edges[e] ? edge.from : edge.to);
  }
  // Longest path layering: relax n times (the graph is small and acyclic).
  std::vector<size_t> layer(n, 0);
  for (size_t round = 0; round < n; ++round) {
    bool changed = false;
    for (const auto& [from, to] : dag)
      if (layer[to] < layer[from] + 1) {
        layer[to] = layer[from] + 1;
        changed = true;
      }
    if (!changed)
      break;
  }
  size_t layers = *std::max_element(layer.begin(), layer.end()) + 1;
  std::vector<std::vector<size_t>> columns(layers);
  for (size_t v = 0; v < n; ++v)
    columns[layer[v]].push_back(v);

  // Order within columns by the mean row of the neighbours, sweeping right
  // then left a few times; ties keep creation order.
  std::vector<double> row(n, 0);
  auto number_rows = [&] {
    for (const auto& col : columns)
      for (size_t i = 0; i < col.size(); ++i)
        row[col[i]] = static_cast<double>(i);
  };
  number_rows();
  for (int sweep = 0; sweep < 4; ++sweep) {
    bool rightwards = sweep % 2 == 0;
    for (size_t k = 0; k < layers; ++k) {
      size_t c = rightwards ? k : layers - 1 - k;
      std::vector<std::pair<double, size_t>> keyed;
      for (size_t v : columns[c]) {
        double sum = 0;
        size_t count = 0;
        for (const auto& [from, to] : dag) {
          size_t other = from == v ? to : to == v ? from : n;
          if (other == n)
            continue;
          bool before = layer[other] < c;
          if (before == rightwards) {
            sum += row[other];
            ++count;
          }
        }
        keyed.emplace_back(count ? sum / static_cast<double>(count) : row[v], v);
      }
      std::stable_sort(keyed.begin(), keyed.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t i = 0; i < keyed.size(); ++i)
        columns[c][i] = keyed[i].second;
      number_rows();
    }
  }

  // Coordinates: columns as wide as their widest node, each centred on
  // the tallest column.
  size_t tallest = 0;
  for (const auto& col : columns)
    tallest = std::max(tallest, col.size());
  double full_height = static_cast<double>(tallest) * node_height +
                       static_cast<double>(tallest - 1) * row_gap;
  double x = margin;
  for (const auto& col : columns) {
    double col_width = 0;
    for (size_t v : col)
      col_width = std::max(col_width, node_width(g.nodes[v]));
    double col_height = static_cast<double>(col.size()) * node_height +
                        static_cast<double>(col.size() - 1) * row_gap;
    double y = margin + (full_height - col_height) / 2;
    for (size_t v : col) {
      auto& box = out.nodes[v];
      box.width = node_width(g.nodes[v]);
      box.height = node_height;
      box.x = x + (col_width - box.width) / 2;
      box.y = y;
      box.layer = layer[v];
      y += node_height + row_gap;
    }
    x += col_width + column_gap;
  }
  out.width = x - column_gap + margin;
  auto back = static_cast<double>(std::count(out.back_edges.begin(), out.back_edges.end(), true));
  out.height = margin + full_height + margin + (back > 0 ? back_edge_room + 12 * (back - 1) : 0);
  return out;
}

} // namespace temblor::api
