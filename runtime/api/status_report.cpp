#include "runtime/api/status_report.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace temblor::api {

namespace {

std::string text(const value& v, std::string_view key) {
  const value* f = v.get(key);
  const std::string* s = f ? f->get_text() : nullptr;
  return s ? *s : std::string();
}

uint64_t number(const value& v, std::string_view key) {
  const value* f = v.get(key);
  uint64_t n = 0;
  if (f)
    f->get_u64(n);
  return n;
}

uint64_t port_sum(const value& stage, std::string_view key) {
  const value* ports = stage.get(key);
  uint64_t total = 0;
  if (ports && ports->is_record())
    for (const auto& [port, n] : ports->as_record()) {
      uint64_t v = 0;
      if (n.get_u64(v))
        total += v;
    }
  return total;
}

const value* connector_report(const api_documents& docs, const std::string& flow,
                              const std::string& alias) {
  auto it = docs.connectors.find(flow);
  if (it == docs.connectors.end() || !it->second.is_array())
    return nullptr;
  for (const auto& c : it->second.as_array())
    if (text(c, "alias") == alias)
      return &c;
  return nullptr;
}

std::string format_rate(double r) {
  if (r < 0)
    return "-";
  char buf[32];
  if (r >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1fM", r / 1e6);
  else if (r >= 1e4)
    std::snprintf(buf, sizeof buf, "%.1fk", r / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.1f", r);
  return buf;
}

/// Columns padded to their widest cell; the first column left-aligned, the
/// text columns named in `left` too, numbers to the right.
std::string table(const std::vector<std::vector<std::string>>& rows, size_t left_columns,
                  const std::string& indent) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i)
        width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line = indent;
    for (size_t i = 0; i < r.size(); ++i) {
      std::string pad(width[i] - r[i].size(), ' ');
      line += i < left_columns ? r[i] + pad : pad + r[i];
      if (i + 1 < r.size())
        line += "  ";
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + '\n';
  }
  return out;
}

} // namespace

bool build_report(const api_documents& docs, status_report& out, std::string& err) {
  out = status_report{};
  if (!docs.flows.is_array()) {
    err = "/v1/flows is not a list";
    return false;
  }
  const value* stages = docs.stats.get("stages");
  if (!stages || !stages->is_array()) {
    err = "/v1/stats has no stages";
    return false;
  }
  out.instance = text(docs.stats, "instance");
  out.time_ns = number(docs.stats, "time_ns");
  out.healthy = docs.status_code == 200;
  out.num_flows = number(docs.status, "num_flows");
  if (const value* by_state = docs.status.get("flows"); by_state && by_state->is_record())
    for (const auto& [state, n] : by_state->as_record()) {
      uint64_t v = 0;
      n.get_u64(v);
      out.flows_by_state[state] = v;
    }
  for (const auto& f : docs.flows.as_array())
    out.flows.emplace_back(text(f, "alias"), text(f, "status"));

  for (const auto& s : stages->as_array()) {
    stage_row row;
    row.flow = text(s, "flow");
    row.alias = text(s, "alias");
    row.errors = number(s, "errors");
    row.dropped = number(s, "dropped");
    row.in = port_sum(s, "in");
    row.out = port_sum(s, "out");
    if (text(s, "kind") == "connector") {
      row.type = text(s, "type");
      row.reconnects = number(s, "reconnects");
      if (const value* c = connector_report(docs, row.flow, row.alias)) {
        row.status = text(*c, "status");
        row.connectivity = text(*c, "connectivity");
      }
      out.connectors.push_back(std::move(row));
    } else {
      out.pipelines.push_back(std::move(row));
    }
  }
  return true;
}

void add_rates(status_report& now, const status_report& before) {
  if (now.time_ns <= before.time_ns)
    return;
  double seconds = static_cast<double>(now.time_ns - before.time_ns) / 1e9;
  auto fill = [seconds](std::vector<stage_row>& rows, const std::vector<stage_row>& old) {
    for (auto& r : rows)
      for (const auto& o : old)
        if (o.flow == r.flow && o.alias == r.alias) {
          // A restarted process counts from zero again: no rate, not a negative one.
          if (r.in >= o.in)
            r.in_rate = static_cast<double>(r.in - o.in) / seconds;
          if (r.out >= o.out)
            r.out_rate = static_cast<double>(r.out - o.out) / seconds;
          break;
        }
  };
  fill(now.connectors, before.connectors);
  fill(now.pipelines, before.pipelines);
}

std::string render_report(const status_report& report, const std::string& api_address) {
  std::string states;
  for (const auto& [state, n] : report.flows_by_state)
    states += (states.empty() ? "" : ", ") + std::to_string(n) + " " + state;
  std::string out = "instance " + report.instance + "  api " + api_address + "  flows " +
                    std::to_string(report.num_flows) + (states.empty() ? "" : " (" + states + ")") +
                    (report.healthy ? "" : "  UNHEALTHY") + "\n";
  for (const auto& [flow, status] : report.flows) {
    out += "\nflow " + flow + "  " + status + "\n";
    std::vector<std::vector<std::string>> rows{{"connector", "type", "status", "connectivity", "read/s",
                                                "written/s", "read", "written", "errors", "dropped",
                                                "reconnects"}};
    for (const auto& c : report.connectors)
      if (c.flow == flow)
        rows.push_back({c.alias, c.type, c.status.empty() ? "-" : c.status,
                        c.connectivity.empty() ? "-" : c.connectivity, format_rate(c.out_rate),
                        format_rate(c.in_rate), std::to_string(c.out), std::to_string(c.in),
                        std::to_string(c.errors), std::to_string(c.dropped), std::to_string(c.reconnects)});
    if (rows.size() > 1)
      out += table(rows, 4, "  ");
    rows = {{"pipeline", "in/s", "out/s", "in", "out", "errors", "dropped"}};
    for (const auto& p : report.pipelines)
      if (p.flow == flow)
        rows.push_back({p.alias, format_rate(p.in_rate), format_rate(p.out_rate), std::to_string(p.in),
                        std::to_string(p.out), std::to_string(p.errors), std::to_string(p.dropped)});
    if (rows.size() > 1)
      out += table(rows, 1, "  ");
  }
  return out;
}

} // namespace temblor::api
