#include "runtime/deployer/deployment_plan.hpp"

#include "dsl/pipeline_program.hpp"

#include <deque>

#include "runtime/supervisor/reconnect_policy.hpp"

namespace temblor {

namespace {

std::string port_list(const std::vector<std::string>& ports) {
  if (ports.empty())
    return "none";
  std::string out;
  for (const auto& p : ports)
    out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::vector<uint64_t> walk(uint64_t start, const std::set<uint64_t>& connectors,
                           const std::map<uint64_t, std::vector<uint64_t>>& edges) {
  std::vector<uint64_t> found;
  std::set<uint64_t> seen{start};
  std::deque<uint64_t> todo{start};
  while (!todo.empty()) {
    auto node = todo.front();
    todo.pop_front();
    auto it = edges.find(node);
    if (it == edges.end())
      continue;
    for (auto next : it->second) {
      if (!seen.insert(next).second)
        continue;
      if (connectors.count(next))
        found.push_back(next); // connectors end the walk: contraflow stops at them
      else
        todo.push_back(next);
    }
  }
  return found;
}

class planner {
public:
  planner(const plan_options& options, deployment_plan& plan, dsl::diagnostics& diags)
    : options_(options), plan_(plan), diags_(diags) {}

  void add_flow(const dsl::flow_instance& flow) {
    plan_.flows.push_back(flow.alias);
    std::map<std::string, uint64_t> connector_ids;
    std::map<std::string, uint64_t> pipeline_ids;
    std::map<uint64_t, const planned_connector*> built;
    for (const auto& c : flow.connectors) {
      uint64_t id = next_id_++;
      connector_ids[c.alias] = id;
      add_connector(flow, c, id);
    }
    for (const auto& c : plan_.connectors)
      built[c.id] = &c;
    for (const auto& p : flow.pipelines) {
      uint64_t id = next_id_++;
      pipeline_ids[p.alias] = id;
      std::string alias = flow.alias + "::" + p.alias;
      auto stats = std::make_shared<stage_stats>(stage_stats::kind::pipeline, alias, flow.alias,
                                                 "pipeline", p.program->in_ports,
                                                 p.program->out_ports);
      if (const value* interval = p.program->config.get("metrics_interval_s"))
        interval->get_u64(stats->metrics_interval_s);
      plan_.stats->add(stats);
      plan_.pipelines.push_back(planned_pipeline{id, alias, flow.alias, p.program, stats});
    }
    auto resolve = [&](const dsl::endpoint& e, uint64_t& id) {
      const auto& ids = e.node == dsl::endpoint::kind::connector ? connector_ids : pipeline_ids;
      auto it = ids.find(e.alias);
      if (it == ids.end()) {
        diags_.error(e.span, std::string("Unknown ") +
                               (e.node == dsl::endpoint::kind::connector ? "connector" : "pipeline") +
                               " `" + e.alias + "` in connect");
        return false;
      }
      id = it->second;
      return true;
    };
    for (const auto& conn : flow.connections) {
      uint64_t from = 0, to = 0;
      if (!resolve(conn.from, from) || !resolve(conn.to, to))
        continue;
      // A connector that failed to build was reported already.
      if (conn.from.node == dsl::endpoint::kind::connector) {
        auto it = built.find(from);
        if (it == built.end())
          continue;
        const auto& outputs = it->second->ports.outputs;
        if (!it->second->ports.has_output(conn.from.port)) {
          diags_.error(conn.from.span, "Connector `" + conn.from.alias +
                                         "` has no output port `" + conn.from.port + "`",
                       "available: " + port_list(outputs));
          continue;
        }
      }
      if (conn.to.node == dsl::endpoint::kind::connector) {
        auto it = built.find(to);
        if (it == built.end())
          continue;
        const auto& inputs = it->second->ports.inputs;
        if (!it->second->ports.has_input(conn.to.port)) {
          diags_.error(conn.to.span, "Connector `" + conn.to.alias + "` has no input port `" +
                                       conn.to.port + "`",
                       "available: " + port_list(inputs));
          continue;
        }
      }
      plan_.graph.outputs[from].push_back(planned_link{conn.from.port, to, conn.to.port});
      plan_.graph.upstream[to].insert(from);
    }
  }

private:
  void add_connector(const dsl::flow_instance& flow, const dsl::connector_instance& c, uint64_t id) {
    std::string alias = flow.alias + "::" + c.alias;
    const auto& registry =
      options_.registry ? *options_.registry : connectors::builtin_connectors();
    const auto* descriptor = registry.find(c.type);
    if (!descriptor || (descriptor->debug_only && !options_.debug_connectors)) {
      std::string hint = descriptor ? "a debug connector: run with --debug-connectors"
                                    : registry.hint_for(c.type);
      diags_.error(c.type_span, "Unknown connector type " + c.type, hint);
      return;
    }
    planned_connector planned;
    planned.id = id;
    planned.alias = alias;
    planned.flow = flow.alias;
    planned.type = c.type;
    planned.blocking = descriptor->blocking;
    const value* with = &c.with;
    auto field = [&](const char* key) {
      const value* v = with->get(key);
      return v ? *v : value{};
    };
    std::string err;
    if (!reconnect_policy::parse(field("reconnect"), planned.reconnect, err))
      diags_.error(c.span, "[" + alias + "] " + err);
    value codec = field("codec");
    switch (descriptor->codec) {
      case connectors::codec_requirement::required:
        if (codec.is_null()) {
          diags_.error(c.span, "Missing codec for connector " + c.alias,
                       "connectors of type " + c.type + " need a `codec`, e.g. codec = \"json\"");
          return;
        }
        break;
      case connectors::codec_requirement::optional_json:
        if (codec.is_null())
          codec = value{"json"};
        break;
      case connectors::codec_requirement::structured:
        codec = value{};
        break;
    }
    planned.codec = codecs::chain_spec{codec, field("preprocessors"), field("postprocessors")};
    if (!codec.is_null() && !planned.codec.validate(err)) {
      diags_.error(c.span, "[" + alias + "] " + err);
      return;
    }
    auto counters = std::make_shared<counter_set>();
    planned.context = std::make_shared<context_queue>(alias, counters);
    connectors::connector_args args;
    args.alias = alias;
    args.source_id = id;
    args.config = field("config");
    args.context = planned.context;
    args.debug_connectors = options_.debug_connectors;
    planned.descriptor = descriptor;
    planned.args = args;
    planned.args.context = nullptr;
    auto impl = connectors::make_connector(*descriptor, std::move(args), err);
    if (!impl) {
      diags_.error(c.span, "[" + alias + "] " + err);
      return;
    }
    planned.impl = std::move(impl);
    planned.ports = planned.impl->ports();
    planned.stats = std::make_shared<stage_stats>(stage_stats::kind::connector, alias, flow.alias,
                                                  c.type, planned.ports.inputs,
                                                  planned.ports.outputs, counters);
    field("metrics_interval_s").get_u64(planned.stats->metrics_interval_s);
    plan_.stats->add(planned.stats);
    plan_.connectors.push_back(std::move(planned));
  }

  const plan_options& options_;
  deployment_plan& plan_;
  dsl::diagnostics& diags_;
  uint64_t next_id_ = 1;
};

} // namespace

std::vector<uint64_t> stage_graph::sources_upstream_of(uint64_t id,
                                                       const std::set<uint64_t>& connectors) const {
  std::map<uint64_t, std::vector<uint64_t>> backwards;
  for (const auto& [to, froms] : upstream)
    backwards[to].assign(froms.begin(), froms.end());
  return walk(id, connectors, backwards);
}

std::vector<uint64_t> stage_graph::sinks_downstream_of(uint64_t id,
                                                       const std::set<uint64_t>& connectors) const {
  std::map<uint64_t, std::vector<uint64_t>> forwards;
  for (const auto& [from, links] : outputs)
    for (const auto& link : links)
      forwards[from].push_back(link.target);
  return walk(id, connectors, forwards);
}

std::set<uint64_t> deployment_plan::connector_ids() const {
  std::set<uint64_t> ids;
  for (const auto& c : connectors)
    ids.insert(c.id);
  return ids;
}

bool make_plan(const dsl::deployment& deployment, const plan_options& options,
               deployment_plan& plan, dsl::diagnostics& diags) {
  planner p(options, plan, diags);
  for (const auto& flow : deployment.flows)
    p.add_flow(flow);
  return !diags.has_errors();
}

} // namespace temblor
