#include "dsl/pipeline_program.hpp"

#include <algorithm>
#include <functional>

#include "dsl/aggregates.hpp"
#include "dsl/binder.hpp"
#include "dsl/operators.hpp"
#include "dsl/select_checks.hpp"
#include "runtime/core/suggest.hpp"

namespace temblor::dsl {

namespace {

// Splits a comma-separated port list ("a,b") as `#!config from/into` give it.
std::vector<std::string> split_ports(const std::string& list) {
  std::vector<std::string> ports;
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    ports.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos)
      return ports;
    start = comma + 1;
  }
}

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

template <class F>
void visit_pattern(pattern& p, F& f);

// Calls `f` on every direct sub-expression of `e`.
template <class F>
void visit_children(expr& e, F& f) {
  for (auto& x : e.items)
    if (x)
      f(*x);
  for (auto& x : e.keys)
    if (x)
      f(*x);
  for (auto& seg : e.segments) {
    if (seg.a)
      f(*seg.a);
    if (seg.b)
      f(*seg.b);
  }
  for (auto& mc : e.cases) {
    visit_pattern(*mc.pat, f);
    if (mc.guard)
      f(*mc.guard);
    for (auto& b : mc.body)
      f(*b);
  }
  for (auto& fc : e.for_cases) {
    if (fc.guard)
      f(*fc.guard);
    for (auto& b : fc.body)
      f(*b);
  }
  for (auto& op : e.patches) {
    if (op.key)
      f(*op.key);
    if (op.value)
      f(*op.value);
  }
}

template <class F>
void visit_pattern(pattern& p, F& f) {
  if (p.value)
    f(*p.value);
  if (p.sub)
    visit_pattern(*p.sub, f);
  for (auto& el : p.elems)
    visit_pattern(*el, f);
  for (auto& fp : p.fields) {
    if (fp.rhs)
      f(*fp.rhs);
    if (fp.sub)
      visit_pattern(*fp.sub, f);
  }
}

// Returns whether `e` or anything below it calls an aggregate.
bool has_aggregate(expr& e) {
  if (!e.aggr_name.empty())
    return true;
  bool found = false;
  auto f = [&](expr& x) { found = found || has_aggregate(x); };
  visit_children(e, f);
  return found;
}

// Reports an aggregate call (`e`) that no window could run: one nested in
// its arguments (Tremor points at the outer call) or a wrong arity. Tremor
// checks these before it looks for a window.
bool malformed_aggregate(expr& e, diagnostics& diags) {
  bool nested = false;
  auto f = [&](expr& x) { nested = nested || has_aggregate(x); };
  visit_children(e, f);
  if (nested) {
    diags.error(e.span, "Aggregates can not be called inside of aggregates");
    return true;
  }
  std::string err;
  if (!make_aggregator(e.aggr_name, e.items.size(), err)) {
    diags.error(e.span, err);
    return true;
  }
  return false;
}

// Gives each aggregate call of a windowed select's target a slot.
void collect_aggregates(expr& e, std::vector<const expr*>& out, diagnostics& diags) {
  bool is_aggr = !e.aggr_name.empty();
  if (is_aggr) {
    if (malformed_aggregate(e, diags))
      return;
    e.aggr_index = static_cast<int>(out.size());
    out.push_back(&e);
  }
  auto f = [&](expr& x) { collect_aggregates(x, out, diags); };
  visit_children(e, f);
}

// Reports aggregate calls where no window feeds them.
void reject_aggregates(expr& e, const char* where, diagnostics& diags) {
  if (!e.aggr_name.empty()) {
    if (!malformed_aggregate(e, diags))
      diags.error(e.span, "Aggregate function `aggr::" + e.aggr_name + "` can't be used " + where);
    return;
  }
  auto f = [&](expr& x) { reject_aggregates(x, where, diags); };
  visit_children(e, f);
}

// Binds a script's bodies once, in a scope holding its own uses, consts
// and fns, under `owner` (the scope the definition lives in).
void bind_script(module_loader& loader, script_def& sd, const scope* owner) {
  auto& store = *loader.store();
  diagnostics& diags = loader.diags();
  if (!store.bound.insert(&sd).second)
    return;
  check_script_duplicates(sd, diags);
  scope_items items;
  for (auto& u : sd.uses)
    items.uses.push_back(u);
  scope* ss = loader.make_scope(items, owner);
  for (auto& f : sd.fns)
    ss->fns[f->name] = f.get();
  std::vector<value*> slots;
  for (auto& k : sd.consts) {
    store.values.emplace_back();
    slots.push_back(&store.values.back());
    ss->consts[k.name] = slots.back();
  }
  for (auto& f : sd.fns)
    bind_fn(*f, *ss, diags);
  for (size_t i = 0; i < sd.consts.size(); ++i) {
    bind_expr(*sd.consts[i].init, *ss, diags);
    if (!is_load_time_expr(*sd.consts[i].init, false))
      diags.error(sd.consts[i].span, not_constant_text);
    else
      eval_const(*sd.consts[i].init, nullptr, *slots[i], diags);
  }
  if (sd.state)
    bind_expr(*sd.state, *ss, diags);
  for (auto& [port, body] : sd.bodies) {
    for (auto& e : body)
      bind_expr(*e, *ss, diags);
    // The last statement's value becomes the event.
    if (!body.empty())
      mark_event_consumers(*body.back());
  }
}

bool window_from_def(const window_def& w, const value& args, window_spec& out,
                     diagnostics& diags) {
  out.name = w.name;
  if (w.script) {
    for (const auto& [port, body] : w.script->bodies) {
      if (port == "in") {
        out.script = &body;
      } else {
        diags.error(w.script->span, "Window scripts run on events only; `script from " + port +
                                      "` is not supported");
        return false;
      }
    }
    if (w.script->state) {
      diags.error(w.script->span, "Windows with `state` are not supported");
      return false;
    }
  }
  if (w.kind == "sliding") {
    diags.error(w.span, "Sliding windows are not yet implemented");
    return false;
  }
  for (const auto& e : w.with) {
    value v;
    if (!eval_const(*e.val, &args, v, diags))
      return false;
    uint64_t u = 0;
    if (e.name == "size" || e.name == "interval" || e.name == "max_groups") {
      if (!v.get_u64(u)) {
        diags.error(e.span, "Window setting `" + e.name + "` must be a non-negative integer");
        return false;
      }
      (e.name == "size" ? out.size : e.name == "interval" ? out.interval_ns : out.max_groups) = u;
    } else if (e.name == "emit_empty_windows") {
      if (!v.is_bool()) {
        diags.error(e.span, "Window setting `emit_empty_windows` must be a boolean");
        return false;
      }
      out.emit_empty = v.as_bool();
    } else {
      diags.error(e.span, "Unknown window setting `" + e.name + "`",
                  "available: size, interval, max_groups, emit_empty_windows");
      return false;
    }
  }
  if (out.size != 0 && out.interval_ns != 0) {
    diags.error(w.span, "Bad window configuration, only one of `size` or `interval` is allowed.");
    return false;
  }
  if (out.size == 0 && out.interval_ns == 0) {
    diags.error(w.span, "A tumbling window needs one of `size` or `interval`");
    return false;
  }
  return true;
}

} // namespace

bool is_known_operator(const std::string& type) { return contains(known_operators(), type); }

void bind_defaults(module_loader& loader, std::vector<arg_decl>& decls, const scope& owner) {
  for (auto& d : decls)
    if (d.default_value)
      bind_once(*d.default_value, owner, loader);
}

bool resolve_args(const std::vector<arg_decl>& decls, const std::vector<with_entry>& with,
                  const value& caller, const source_span& at, diagnostics& diags,
                  value& out, const std::string& troy_alias) {
  bool ok = true;
  record r;
  std::vector<std::string> names;
  for (const auto& d : decls)
    names.push_back(d.name);
  for (const auto& w : with) {
    if (!contains(names, w.name)) {
      std::string hint = names.empty() ? std::string("this definition takes no arguments")
                                       : unknown_name_hint(w.name, names);
      if (troy_alias.empty())
        diags.error(w.span, "Unknown parameter " + w.name, hint);
      else
        diags.error(w.span,
                    "`with` parameter \"" + w.name +
                      "\" does not correspond to an argument in the target definition \"" +
                      troy_alias + "\"",
                    names.empty() ? "The definition of \"" + troy_alias +
                                      "\" does not expose any args. Remove this `with`."
                                  : hint);
      ok = false;
      continue;
    }
    value v;
    if (!is_load_time_expr(*w.val, true)) {
      diags.error(w.span, not_constant_text);
      ok = false;
      continue;
    }
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
    if (!is_load_time_expr(*d.default_value, true)) {
      diags.error(d.span, not_constant_text);
      ok = false;
      continue;
    }
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
  // `#!config from = "a,b"` / `into = "x,y"` override the declared ports.
  if (const value* f = prog->config.get("from"); f && f->is_string())
    prog->in_ports = split_ports(f->as_string());
  if (const value* f = prog->config.get("into"); f && f->is_string())
    prog->out_ports = split_ports(f->as_string());

  std::vector<std::pair<const scope_items*, const scope*>> local{{&def->items, ps}};

  // -- nodes -------------------------------------------------------------------
  for (auto& c : def->creates) {
    bool is_stream = c.what == "stream";
    for (const auto& n : prog->nodes) {
      if (n.name == c.alias) {
        if (is_stream && n.k == node_spec::kind::stream)
          diags.error(c.span, "Can't define the stream `" + c.alias + "` twice");
        else
          diags.error(c.span, "Name `" + c.alias +
                                "` is already in use for another node, please use another name.");
        break;
      }
    }
    if (contains(prog->in_ports, c.alias) || contains(prog->out_ports, c.alias))
      diags.error(c.span, is_stream ? std::string("Streams cannot share names with from/into ports")
                                    : "Name `" + c.alias +
                                        "` is already in use for another node, please use another "
                                        "name.");
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
      bind_defaults(loader, sd->args, *sowner);
      if (!resolve_args(sd->args, c.with, prog->args, c.span, diags, n.script_args))
        {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      bind_script(loader, *sd, sowner);
      if (sd->state) {
        if (!eval_const(*sd->state, &n.script_args, n.initial_state, diags))
          {
          prog->nodes.push_back(std::move(n));
          continue;
        }
      }
    } else if (c.what == "operator") {
      const scope* oowner = nullptr;
      n.k = node_spec::kind::op;
      record config;
      bool is_alias = false;
      for (const scope* sc = ps; sc && !c.from.path.empty(); sc = sc->parent)
        is_alias = is_alias || sc->modules.count(c.from.path[0]) > 0;
      std::shared_ptr<operator_def> od;
      if (c.from.path.size() != 1 || is_alias ||
          !is_known_operator(c.from.path[0] + "::" + c.from.name))
        od = loader.find_def<operator_def>(
          c.from, *ps, local, [](const scope_items& i) -> const auto& { return i.operators; },
          oowner);
      if (!od && c.from.path.size() == 1 && !is_alias &&
          is_known_operator(c.from.path[0] + "::" + c.from.name)) {
        // Leniency: `create operator b from generic::batch with … end`
        // instantiates the builtin directly, `with` being its config.
        n.op_type = c.from.path[0] + "::" + c.from.name;
        for (auto& w : c.with) {
          value v;
          if (eval_const(*w.val, &prog->args, v, diags))
            config.set(w.name, std::move(v));
        }
        n.op_config = value(std::move(config));
        std::string op_err;
        if (!make_operator(n.op_type, n.op_config, op_err))
          diags.error(c.span, op_err);
        prog->nodes.push_back(std::move(n));
        continue;
      }
      if (!od) {
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
        bind_defaults(loader, od->args, *oowner);
        if (!resolve_args(od->args, c.with, prog->args, c.span, diags, op_args))
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
      bind_defaults(loader, pd->args, *powner);
      if (!resolve_args(pd->args, c.with, prog->args, c.span, diags, pargs))
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
    if (store->bound.insert(&s.span).second) { // once per definition
      check_select_locals(s, diags);
      check_windowed_event_refs(s, diags);
    }
    select_spec sp;
    sp.stmt = &s;
    if (s.where)
      reject_aggregates(*s.where, "in `where`", diags);
    if (s.having)
      reject_aggregates(*s.having, "in `having`", diags);
    if (s.windows.empty()) {
      reject_aggregates(*s.target, "without a window", diags);
    } else {
      for (const auto& wname : s.windows) {
        int found = -1;
        for (size_t i = 0; i < prog->windows.size(); ++i)
          if (prog->windows[i].name == wname)
            found = static_cast<int>(i);
        if (found < 0) {
          mod_target t;
          t.name = wname;
          t.span = s.span;
          for (size_t sep; (sep = t.name.find("::")) != std::string::npos;) {
            t.path.push_back(t.name.substr(0, sep));
            t.name.erase(0, sep + 2);
          }
          const scope* wowner = nullptr;
          auto wd = loader.find_def<window_def>(
            t, *ps, local, [](const scope_items& i) -> const auto& { return i.windows; }, wowner);
          if (!wd) {
            diags.error(s.span, "Unknown window `" + wname + "`");
            continue;
          }
          window_spec ws;
          for (auto& e : wd->with)
            bind_once(*e.val, *wowner, loader);
          if (wd->script)
            bind_script(loader, *wd->script, wowner);
          if (!window_from_def(*wd, prog->args, ws, diags))
            continue;
          ws.name = wname; // as the selects name it, module path included
          prog->windows.push_back(std::move(ws));
          found = static_cast<int>(prog->windows.size() - 1);
        }
        sp.windows.push_back(found);
      }
      if (store->bound.insert(&s).second)
        collect_aggregates(*s.target, sp.aggrs, diags);
      else {
        // Another instance of this definition: recover the slots already
        // assigned.
        std::vector<const expr*> tmp;
        std::function<void(expr&)> again = [&](expr& x) {
          if (x.aggr_index >= 0) {
            if (tmp.size() <= static_cast<size_t>(x.aggr_index))
              tmp.resize(static_cast<size_t>(x.aggr_index) + 1);
            tmp[static_cast<size_t>(x.aggr_index)] = &x;
          }
          visit_children(x, again);
        };
        again(*s.target);
        sp.aggrs = std::move(tmp);
      }
    }
    // Tremor's text names the stream with the port it would use.
    auto undefined_stream = [&](const std::string& node, const std::string& port,
                                const std::vector<std::string>& names) {
      diags.error(s.span, "Stream used in `from` or `into` is not defined: " + node + "/" + port,
                  unknown_name_hint(node, names));
    };
    std::vector<std::string> known = prog->in_ports;
    known.insert(known.end(), prog->out_ports.begin(), prog->out_ports.end());
    for (auto& nd : prog->nodes)
      if (!contains(known, nd.name))
        known.push_back(nd.name);
    sp.from_node = node_index(s.from_node);
    if (sp.from_node >= 0) {
      sp.from_port = s.from_port.empty() ? "out" : s.from_port;
      const node_spec& n = prog->nodes[static_cast<size_t>(sp.from_node)];
      if (n.sub && !contains(n.sub->out_ports, sp.from_port)) {
        undefined_stream(s.from_node, sp.from_port, n.sub->out_ports);
        continue;
      }
    } else {
      if (!s.from_port.empty() || !contains(prog->in_ports, s.from_node)) {
        undefined_stream(s.from_node, s.from_port.empty() ? "out" : s.from_port, known);
        continue;
      }
      sp.from_port = s.from_node;
    }
    sp.into_node = node_index(s.into_node);
    if (sp.into_node >= 0) {
      sp.into_port = s.into_port.empty() ? "in" : s.into_port;
      const node_spec& n = prog->nodes[static_cast<size_t>(sp.into_node)];
      if (n.sub && !contains(n.sub->in_ports, sp.into_port)) {
        undefined_stream(s.into_node, sp.into_port, n.sub->in_ports);
        continue;
      }
    } else {
      if (!s.into_port.empty() || !contains(prog->out_ports, s.into_node)) {
        undefined_stream(s.into_node, s.into_port.empty() ? "in" : s.into_port, known);
        continue;
      }
      sp.into_port = s.into_node;
    }
    prog->selects.push_back(std::move(sp));
  }

  if (diags.all().size() != errors_before && diags.has_errors())
    return nullptr;
  return prog;
}

} // namespace temblor::dsl
