#include "dsl/dump.hpp"

#include "dsl/json_text.hpp"
#include "dsl/pipeline_program.hpp"

namespace temblor::dsl {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? "," : "") + v[i];
  return s;
}

std::string where(const source_span& s) {
  return std::to_string(s.begin.line) + ":" + std::to_string(s.begin.column);
}

void dump_program(const pipeline_program& p, const std::string& indent, std::string& out) {
  out += indent + "args " + to_json(p.args, true) + "\n";
  if (p.config.is_record() && !p.config.as_record().empty())
    out += indent + "config " + to_json(p.config, true) + "\n";
  for (const auto& n : p.nodes) {
    switch (n.k) {
      case node_spec::kind::stream: out += indent + "stream " + n.name + "\n"; break;
      case node_spec::kind::script:
        out += indent + "script " + n.name + " args " + to_json(n.script_args, true) + " state " +
               to_json(n.initial_state, true) + "\n";
        break;
      case node_spec::kind::op:
        out += indent + "operator " + n.name + " " + n.op_type + " " + to_json(n.op_config, true) +
               "\n";
        break;
      case node_spec::kind::pipeline:
        out += indent + "pipeline " + n.name + " ports in=[" + join(n.sub->in_ports) + "] out=[" +
               join(n.sub->out_ports) + "]\n";
        dump_program(*n.sub, indent + "  ", out);
        break;
    }
  }
  auto node_name = [&](int idx, const std::string& port, bool from) {
    if (idx < 0)
      return std::string(from ? "<in>/" : "<out>/") + port;
    return p.nodes[static_cast<size_t>(idx)].name + "/" + port;
  };
  for (const auto& s : p.selects)
    out += indent + "select@" + where(s.stmt->span) + " " + node_name(s.from_node, s.from_port, true) +
           " -> " + node_name(s.into_node, s.into_port, false) + "\n";
}

} // namespace

std::string dump_deployment(const deployment& d) {
  std::string out;
  for (const auto& f : d.flows) {
    out += "flow " + f.alias + "\n";
    for (const auto& c : f.connectors)
      out += "  connector " + c.alias + " from " + c.type + "@" + where(c.type_span) + " with " +
             to_json(c.with, true) + "\n";
    for (const auto& p : f.pipelines) {
      out += "  pipeline " + p.alias + " ports in=[" + join(p.in_ports) + "] out=[" +
             join(p.out_ports) + "]\n";
      if (p.program)
        dump_program(*p.program, "    ", out);
    }
    for (const auto& c : f.connections) {
      auto ep = [](const endpoint& e) {
        return std::string(e.node == endpoint::kind::connector ? "connector/" : "pipeline/") +
               e.alias + "/" + e.port;
      };
      out += "  connect " + ep(c.from) + " -> " + ep(c.to) + "\n";
    }
  }
  return out;
}

} // namespace temblor::dsl
