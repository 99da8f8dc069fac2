#include "runtime/api/prometheus_text.hpp"

#include <functional>

namespace temblor::api {

namespace {

std::string escape_label(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string short_alias(const std::string& alias) {
  auto pos = alias.rfind("::");
  return pos == std::string::npos ? alias : alias.substr(pos + 2);
}

using labels = std::vector<std::pair<const char*, std::string>>;

/// Writes one family: its HELP and TYPE lines, then its samples, which the
/// format wants together.
class family_writer {
public:
  family_writer(std::string& out, const char* name, const char* type, const char* help)
    : out_(out), name_(name) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(const labels& l, uint64_t v) {
    out_ += name_;
    out_ += '{';
    bool first = true;
    for (const auto& [key, val] : l) {
      if (!first)
        out_ += ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      out_ += escape_label(val);
      out_ += '"';
    }
    out_ += "} ";
    out_ += std::to_string(v);
    out_ += '\n';
  }

private:
  std::string& out_;
  const char* name_;
};

labels stage_labels(const std::string& instance, const stage_stats& s) {
  if (s.what() == stage_stats::kind::connector)
    return {{"instance", instance}, {"flow", s.flow()}, {"connector", short_alias(s.alias())},
            {"type", s.type()}};
  return {{"instance", instance}, {"flow", s.flow()}, {"pipeline", short_alias(s.alias())}};
}

void port_samples(family_writer& w, const labels& base, const char* direction,
                  const std::vector<std::unique_ptr<port_count>>& ports) {
  for (const auto& p : ports) {
    uint64_t n = p->events.load(std::memory_order_relaxed);
    // "other" catches events on undeclared ports; shown only once it counts.
    if (p->port == "other" && n == 0)
      continue;
    labels l = base;
    l.emplace_back("direction", direction);
    l.emplace_back("port", p->port);
    w.sample(l, n);
  }
}

} // namespace

std::string prometheus_text(const exposition_input& in) {
  std::string out;
  out.reserve(4096 + in.stages.size() * 2048);
  std::vector<const stage_stats*> connectors, pipelines;
  for (const auto& s : in.stages)
    (s->what() == stage_stats::kind::connector ? connectors : pipelines).push_back(s.get());

  {
    family_writer w(out, "temblor_build_info", "gauge", "Version of the running Temblor; always 1.");
    w.sample({{"instance", in.instance}, {"version", in.version}}, 1);
  }

  using field = std::function<uint64_t(const stage_stats&)>;
  auto simple = [&](const std::vector<const stage_stats*>& stages, const char* name,
                    const char* type, const char* help, const field& get) {
    family_writer w(out, name, type, help);
    for (const auto* s : stages)
      w.sample(stage_labels(in.instance, *s), get(*s));
  };
  auto load = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };

  {
    family_writer w(out, "temblor_connector_events_total", "counter",
                    "Events through a connector port: direction in = written by its sink, out = "
                    "read by its source.");
    for (const auto* s : connectors) {
      auto base = stage_labels(in.instance, *s);
      port_samples(w, base, "in", s->inputs());
      port_samples(w, base, "out", s->outputs());
    }
  }
  simple(connectors, "temblor_connector_acks_total", "counter", "Events acknowledged by the connector's sink.",
         [&](const stage_stats& s) { return load(s.acks); });
  simple(connectors, "temblor_connector_fails_total", "counter", "Events the connector's sink failed.",
         [&](const stage_stats& s) { return load(s.fails); });
  simple(connectors, "temblor_connector_bytes_received_total", "counter",
         "Raw bytes read, before preprocessors.", [&](const stage_stats& s) { return load(s.bytes_in); });
  simple(connectors, "temblor_connector_bytes_sent_total", "counter",
         "Bytes handed to the connector to write.", [&](const stage_stats& s) { return load(s.bytes_out); });
  simple(connectors, "temblor_connector_errors_total", "counter",
         "Decode errors and write failures.", [&](const stage_stats& s) { return load(s.errors); });
  simple(connectors, "temblor_connector_dropped_total", "counter",
         "Events sent to a port nothing reads.", [&](const stage_stats& s) { return load(s.dropped); });
  simple(connectors, "temblor_connector_reconnects_total", "counter",
         "Connection attempts after the first.", [&](const stage_stats& s) { return load(s.reconnects); });
  simple(connectors, "temblor_connector_connected", "gauge", "1 while the connector is connected.",
         [&](const stage_stats& s) { return load(s.connected); });
  simple(connectors, "temblor_connector_open", "gauge",
         "1 while the connector's source may read (connected, every sink downstream up).",
         [&](const stage_stats& s) { return load(s.open); });
  using named_values = std::map<std::string, uint64_t>;
  auto named = [&](const char* name, const char* type, const char* help, const char* label,
                   const std::function<named_values(const counter_set&)>& read) {
    family_writer w(out, name, type, help);
    for (const auto* s : connectors) {
      auto base = stage_labels(in.instance, *s);
      for (const auto& [key, n] : read(*s->named_ptr())) {
        labels l = base;
        l.emplace_back(label, key);
        w.sample(l, n);
      }
    }
  };
  named("temblor_connector_counter_total", "counter",
        "A connector's own counters (connections, rejections…), by name.", "counter",
        [](const counter_set& c) { return c.snapshot(); });
  named("temblor_connector_gauge", "gauge", "A connector's own levels (connections open…), by name.",
        "gauge", [](const counter_set& c) { return c.gauge_snapshot(); });

  {
    family_writer w(out, "temblor_pipeline_events_total", "counter",
                    "Events through a pipeline port: direction in = received, out = emitted.");
    for (const auto* s : pipelines) {
      auto base = stage_labels(in.instance, *s);
      port_samples(w, base, "in", s->inputs());
      port_samples(w, base, "out", s->outputs());
    }
  }
  simple(pipelines, "temblor_pipeline_errors_total", "counter", "Runtime errors in the pipeline's query.",
         [&](const stage_stats& s) { return load(s.errors); });
  simple(pipelines, "temblor_pipeline_dropped_total", "counter", "Events sent to a port nothing reads.",
         [&](const stage_stats& s) { return load(s.dropped); });

  {
    family_writer w(out, "temblor_api_counter_total", "counter",
                    "The REST API server's own counters (requests, rejected requests…), by name.");
    for (const auto& [name, n] : in.api_counters)
      w.sample({{"instance", in.instance}, {"counter", name}}, n);
  }
  return out;
}

} // namespace temblor::api
