#include "runtime/core/measurements.hpp"

namespace temblor {

namespace {

value measurement(const char* name, record tags, uint64_t count, uint64_t timestamp_ns) {
  record fields;
  fields.set("count", count);
  record m;
  m.set("measurement", name);
  m.set("tags", value{std::move(tags)});
  m.set("fields", value{std::move(fields)});
  m.set("timestamp", timestamp_ns);
  return value{std::move(m)};
}

} // namespace

std::vector<value> measurements_of(const stage_stats& stats, uint64_t timestamp_ns) {
  std::vector<value> out;
  auto each_port = [&](const std::vector<std::unique_ptr<port_count>>& ports, bool input) {
    for (const auto& p : ports) {
      uint64_t count = p->events.load(std::memory_order_relaxed);
      if (p->port == "other" && count == 0)
        continue;
      record tags;
      if (stats.what() == stage_stats::kind::connector) {
        tags.set("connector", stats.alias());
        tags.set("flow", stats.flow());
        tags.set("port", p->port);
        out.push_back(measurement("connector_events", std::move(tags), count, timestamp_ns));
      } else {
        // A pipeline's ports are nodes of its graph: what comes in leaves the
        // input node on its `out`, what goes out enters the output node on `in`.
        tags.set("pipeline", stats.alias());
        tags.set("node", p->port);
        tags.set("direction", input ? "output" : "input");
        tags.set("port", input ? "out" : "in");
        tags.set("flow", stats.flow());
        out.push_back(measurement("events", std::move(tags), count, timestamp_ns));
      }
    }
  };
  each_port(stats.inputs(), true);
  each_port(stats.outputs(), false);
  return out;
}

} // namespace temblor
