#include "dsl/pipeline_program.hpp"

#include <algorithm>

#include "dsl/operators.hpp"
#include "runtime/core/suggest.hpp"

namespace temblor::dsl {

namespace {

constexpr int max_pipeline_nesting = 16;

const std::vector<std::string>& known_operators() {
  static const std::vector<std::string> ops = {
    "generic::batch",     "generic::counter",  "generic::backpressure", "qos::backpressure",
    "qos::roundrobin",    "qos::percentile",   "grouper::bucket",       "debug::history"};
  return ops;
}

void bind_once(expr& e, const scope& s, module_loader& loader) {
  auto store = loader.store();
  if (store->bound.insert(&e).second)
    bind_expr(e, s, loader.diags());
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

bool is_known_operator(const std::string& type) { return contains(known_operators(), type); }

bool resolve_args(const std::vector<arg_decl>& decls, const std::vector<with_entry>& with,
                  const value& caller, const scope& with_scope, const scope& def_scope,
                  const source_span& at, diagnostics& diags, value& out) {
  (void)with_scope;
  (void)def_scope;
  bool ok = true;
  record r;
  std::vector<std::string> names;
  for (const auto& d : decls)
    names.push_back(d.name);
  for (const auto& w : with) {
    if (!contains(names, w.name)) {
      diags.error(w.span, "Unknown argument `" + w.name + "`",
                  names.empty() ? std::string("this definition takes no arguments")
                                : unknown_name_hint(w.name, names));
      ok = false;
      continue;
    }
    value v;
    if (!eval_const(*w.val, &caller, v, diags)) {
      ok = false;
      continue;
    }
    r.set(w.name, std::move(v));
  }
  record full;
  for (const auto& d : decls) {
    if (const value* v = r.find(d.name)) {
      full.set(d.name, *v);
      continue;
    }
    if (!d.default_value) {
      diags.error(at, "Missing required argument `" + d.name + "`");
      ok = false;
      continue;
    }
    value v;
    if (!eval_const(*d.default_value, &caller, v, diags)) {
      ok = false;
      continue;
    }
    full.set(d.name, std::move(v));
  }
  out = value(std::move(full));
  return ok;
}

std::shared_ptr<pipeline_program> compile_pipeline(module_loader& loader,
                                                   const std::shared_ptr<pipeline_def>& def,
                                                   const scope* owner, value args, int depth) {
  diagnostics& diags = loader.diags();
  size_t errors_before = diags.all().size();
  if (depth > max_pipeline_nesting) {
    diags.error(def->span, "Pipelines are nested too deeply");
    return nullptr;
  }
  auto prog = std::make_shared<pipeline_program>();
  prog->name = def->name;
  prog->store = loader.store();
  prog->args = std::move(args);

  // One scope per definition, shared by all its instances.
  auto store = loader.store();
  scope* ps = nullptr;
  if (auto it = store->def_scopes.find(def.get()); it != store->def_scopes.end()) {
    ps = it->second;
  } else {
    ps = loader.make_scope(def->items, owner);
    store->def_scopes[def.get()] = ps;
  }

  record cfg;
  for (auto& c : def->config) {
    bind_once(*c.val, *ps, loader);
    value v;
    if (eval_const(*c.val, &prog->args, v, diags))
      cfg.set(c.name, std::move(v));
  }
  prog->config = value(std::move(cfg));

  prog->in_ports = def->from_ports.empty() ? std::vector<std::string>{"in"} : def->from_ports;
  prog->out_ports =
    def->into_ports.empty() ? std::vector<std::string>{"out", "err"} : def->into_ports;
  if (const value* f = prog->config.get("from"); f && f->is_string()) {
    prog->in_ports.clear();
    std::string s = f->as_string();
    size_t start = 0;
    while (start <= s.size()) {
      size_t c = s.find(',', start);
      prog->in_ports.push_back(s.substr(start, c == std::string::npos ? std::string::npos : c - start));
      if (c == std::string::npos)
        break;
      start = c + 1;
    }
  }
  if (const value* f = prog->config.get("into"); f && f->is_string()) {
    prog->out_ports.clear();
    std::string s = f->as_string();
    size_t start = 0;
    while (start <= s.size()) {
      size_t c = s.find(',', start);
      prog->out_ports.push_back(s.substr(start, c == std::string::npos ? std::string::npos : c - start));
      if (c == std::string::npos)
        break;
      start = c + 1;
    }
  }

  std::vector<std::pair<const scope_items*, const scope*>> local{{&def->items, ps}};

  // -- nodes -------------------------------------------------------------------
  for (auto& c : def->creates) {
    for (const auto& n : prog->nodes) {
      if (n.name == c.alias) {
        diags.error(c.span, "Duplicate node `" + c.alias + "` in pipeline `" + def->name + "`");
        break;
      }
    }
    node_spec n;
    n.name = c.alias;
    n.span = c.span;
    for (auto& w : c.with)
      bind_once(*w.val, *ps, loader);
    if (c.what == "stream") {
      n.k = node_spec::kind::stream;
    } else if (c.what == "script") {
      const scope* sowner = nullptr;
      auto sd = loader.find_def<script_def>(
        c.from, *ps, local, [](const scope_items& i) -> const auto& { return i.scripts; }, sowner);
      if (!sd) {
        diags.error(c.from.span, "Unknown script `" + c.from.name + "`");
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      }
      n.k = node_spec::kind::script;
      n.script = sd.get();
      if (!resolve_args(sd->args, c.with, prog->args, *ps, *sowner, c.span, diags, n.script_args))
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      // Bind the script body once, in a scope holding its own uses, consts
      // and fns.
      if (store->bound.insert(sd.get()).second) {
        scope_items items;
        for (auto& u : sd->uses)
          items.uses.push_back(u);
        scope* ss = loader.make_scope(items, sowner);
        for (auto& f : sd->fns)
          ss->fns[f->name] = f.get();
        std::vector<value*> slots;
        for (auto& k : sd->consts) {
          store->values.emplace_back();
          slots.push_back(&store->values.back());
          ss->consts[k.name] = slots.back();
        }
        for (auto& f : sd->fns)
          bind_fn(*f, *ss, diags);
        for (size_t i = 0; i < sd->consts.size(); ++i) {
          bind_expr(*sd->consts[i].init, *ss, diags);
          eval_const(*sd->consts[i].init, nullptr, *slots[i], diags);
        }
        if (sd->state)
          bind_expr(*sd->state, *ss, diags);
        for (auto& [port, body] : sd->bodies)
          for (auto& e : body)
            bind_expr(*e, *ss, diags);
      }
      if (sd->state) {
        if (!eval_const(*sd->state, &n.script_args, n.initial_state, diags))
          {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      }
    } else if (c.what == "operator") {
      const scope* oowner = nullptr;
      auto od = loader.find_def<operator_def>(
        c.from, *ps, local, [](const scope_items& i) -> const auto& { return i.operators; },
        oowner);
      n.k = node_spec::kind::op;
      record config;
      if (!od) {
        // `create operator x from generic::batch` is not Tremor syntax, but
        // an undefined operator must still name itself.
        diags.error(c.from.span, "Unknown operator definition `" + c.from.name + "`");
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      }
      n.op_type = od->op_module + "::" + od->op_name;
      if (!is_known_operator(n.op_type)) {
        diags.error(od->op_span, "Unknown operator: " + n.op_type,
                    unknown_name_hint(n.op_type, known_operators()));
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      }
      value op_args;
      if (!od->args.empty() || c.with.empty()) {
        if (!resolve_args(od->args, c.with, prog->args, *ps, *oowner, c.span, diags, op_args))
          {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      }
      for (auto& w : od->with) {
        bind_once(*w.val, *oowner, loader);
        value v;
        if (eval_const(*w.val, &op_args, v, diags))
          config.set(w.name, std::move(v));
      }
      if (od->args.empty()) {
        // Without declared args, `create … with` overrides config keys.
        for (auto& w : c.with) {
          value v;
          if (eval_const(*w.val, &prog->args, v, diags))
            config.set(w.name, std::move(v));
        }
      }
      n.op_config = value(std::move(config));
      std::string op_err;
      if (!make_operator(n.op_type, n.op_config, op_err)) {
        diags.error(c.span, op_err);
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      }
    } else if (c.what == "pipeline") {
      const scope* powner = nullptr;
      auto pd = loader.find_def<pipeline_def>(
        c.from, *ps, local, [](const scope_items& i) -> const auto& { return i.pipelines; },
        powner);
      if (!pd) {
        diags.error(c.from.span, "Unknown pipeline `" + c.from.name + "`");
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      }
      value pargs;
      if (!resolve_args(pd->args, c.with, prog->args, *ps, *powner, c.span, diags, pargs))
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      n.k = node_spec::kind::pipeline;
      n.sub = compile_pipeline(loader, pd, powner, std::move(pargs), depth + 1);
      if (!n.sub)
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
    } else {
      diags.error(c.span, "`create " + c.what + "` is not allowed inside a pipeline");
      continue;
    }
    prog->nodes.push_back(std::move(n));
  }

  auto node_index = [&](const std::string& name) -> int {
    for (size_t i = 0; i < prog->nodes.size(); ++i)
      if (prog->nodes[i].name == name)
        return static_cast<int>(i);
    return -1;
  };

  // -- selects -----------------------------------------------------------------
  for (auto& s : def->selects) {
    bind_once(*s.target, *ps, loader);
    if (s.where)
      bind_once(*s.where, *ps, loader);
    if (s.having)
      bind_once(*s.having, *ps, loader);
    if (s.has_group) {
      std::vector<select_stmt::group_def*> stack{&s.group};
      while (!stack.empty()) {
        auto* g = stack.back();
        stack.pop_back();
        if (g->e)
          bind_once(*g->e, *ps, loader);
        for (auto& x : g->items)
          stack.push_back(&x);
      }
    }
    if (!s.windows.empty()) {
      diags.error(s.span, "Windows are not supported yet",
                  "windowed selects arrive with the windowing issue");
      continue;
    }
    select_spec sp;
    sp.stmt = &s;
    sp.from_node = node_index(s.from_node);
    if (sp.from_node >= 0) {
      sp.from_port = s.from_port.empty() ? "out" : s.from_port;
    } else {
      if (!s.from_port.empty()) {
        diags.error(s.span, "Unknown node `" + s.from_node + "` in `from`");
        continue;
      }
      if (!contains(prog->in_ports, s.from_node)) {
        std::vector<std::string> names = prog->in_ports;
        for (auto& nd : prog->nodes)
          names.push_back(nd.name);
        diags.error(s.span,
                    "Unknown stream or input port `" + s.from_node + "` in pipeline `" +
                      def->name + "`",
                    unknown_name_hint(s.from_node, names));
        continue;
      }
      sp.from_port = s.from_node;
    }
    sp.into_node = node_index(s.into_node);
    if (sp.into_node >= 0) {
      sp.into_port = s.into_port.empty() ? "in" : s.into_port;
    } else {
      if (!s.into_port.empty()) {
        diags.error(s.span, "Unknown node `" + s.into_node + "` in `into`");
        continue;
      }
      sp.into_port = s.into_node;
      // Tremor declares output ports with `into`; an undeclared one used by
      // a select is added rather than rejected.
      if (!contains(prog->out_ports, sp.into_port))
        prog->out_ports.push_back(sp.into_port);
    }
    prog->selects.push_back(std::move(sp));
  }

  if (diags.all().size() != errors_before && diags.has_errors())
    return nullptr;
  return prog;
}

} // namespace temblor::dsl
