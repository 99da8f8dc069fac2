#include "dsl/binder.hpp"

#include "dsl/aggregates.hpp"
#include "dsl/extractors.hpp"
#include "dsl/interpreter.hpp"
#include "dsl/intrinsics.hpp"
#include "runtime/core/suggest.hpp"

namespace temblor::dsl {

namespace {

const fn_def* find_fn(const scope& s, const std::string& name) {
  for (const scope* p = &s; p; p = p->parent) {
    auto it = p->fns.find(name);
    if (it != p->fns.end())
      return it->second;
  }
  return nullptr;
}

const value* find_const(const scope& s, const std::string& name) {
  for (const scope* p = &s; p; p = p->parent) {
    auto it = p->consts.find(name);
    if (it != p->consts.end())
      return it->second;
  }
  return nullptr;
}

const scope* find_module_scope(const scope& s, const std::vector<std::string>& parts) {
  // parts = alias [sub…]; resolve the alias then load the longer path.
  for (const scope* p = &s; p; p = p->parent) {
    auto it = p->modules.find(parts[0]);
    if (it == p->modules.end())
      continue;
    std::vector<std::string> path = it->second;
    path.insert(path.end(), parts.begin() + 1, parts.end());
    for (const scope* q = &s; q; q = q->parent)
      if (q->load_module)
        return q->load_module(path);
    return nullptr;
  }
  return nullptr;
}

std::vector<std::string> split_path(const std::string& full) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t p = full.find("::", start);
    parts.push_back(full.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos)
      break;
    start = p + 2;
  }
  return parts;
}

// The stdlib module that holds the native `name` (`string::lowercase` ->
// `std::string`, `system::ingest_ns` -> `tremor::system`), or "".
std::string stdlib_module_of(std::string name) {
  if (name.rfind("std::", 0) == 0)
    name = name.substr(5);
  else if (name.rfind("tremor::", 0) == 0)
    name = name.substr(8);
  if (!find_native(name))
    return {};
  std::string mod = name.substr(0, name.rfind("::"));
  bool in_tremor = mod == "system" || mod == "origin" || mod == "chash";
  return (in_tremor ? "tremor::" : "std::") + mod;
}

// Suggests the `use` a stdlib call is missing, or a close name among the
// functions of the module or scope the call points into.
std::string undefined_function_hint(const std::string& op, const scope& s) {
  std::string mod = stdlib_module_of(op);
  if (!mod.empty()) {
    std::string last = mod.substr(mod.rfind("::") + 2);
    std::string fn = op.substr(op.rfind("::") + 2);
    return "add `use " + mod + ";` and call it as `" + last + "::" + fn + "`";
  }
  auto parts = split_path(op);
  std::string name = parts.back();
  parts.pop_back();
  std::vector<std::string> names;
  if (parts.empty()) {
    for (const scope* p = &s; p; p = p->parent)
      for (const auto& [n, f] : p->fns)
        names.push_back(n);
  } else if (const scope* ms = find_module_scope(s, parts)) {
    for (const auto& [n, f] : ms->fns)
      names.push_back(n);
  } else {
    std::vector<std::string> aliases;
    for (const scope* p = &s; p; p = p->parent)
      for (const auto& [alias, path] : p->modules)
        aliases.push_back(alias);
    std::string close = closest_name(parts[0], aliases);
    if (!close.empty() && parts.size() == 1)
      return "did you mean `" + close + "::" + name + "`?";
    return "no module `" + parts[0] + "` is in scope; bring it in with `use`";
  }
  std::string close = closest_name(name, names);
  if (close.empty())
    return {};
  std::string prefix = op.substr(0, op.size() - name.size());
  return "did you mean `" + prefix + close + "`?";
}

void bind_call(expr& e, const scope& s, diagnostics& diags) {
  auto parts = split_path(e.name);
  std::string name = parts.back();
  parts.pop_back();
  if (parts.empty()) {
    if (const fn_def* f = find_fn(s, name)) {
      e.target.user = f;
      return;
    }
  } else if (const scope* ms = find_module_scope(s, parts)) {
    auto it = ms->fns.find(name);
    if (it != ms->fns.end()) {
      e.target.user = it->second;
      return;
    }
  }
  // Aggregates need no `use` (`aggr::stats::count`); the windowed select
  // that owns the call gives it a slot.
  {
    std::string aggr = e.name.rfind("aggr::", 0) == 0 ? e.name.substr(6) : e.name;
    if (is_aggregate(aggr)) {
      e.aggr_name = aggr;
      return;
    }
  }
  // Tremor resolves a call only through the functions in scope and the
  // modules brought in by `use`; stdlib natives need their module's `use`.
  // Tremor names an unqualified function with its (empty) module path: `::g`.
  std::string shown = e.name.find("::") == std::string::npos ? "::" + e.name : e.name;
  diags.error(e.span, "Call to undefined function " + shown, undefined_function_hint(e.name, s));
}

void bind_path(expr& e, const scope& s, diagnostics& diags) {
  if (e.root == path_root::local) {
    e.constant = find_const(s, e.root_name);
  } else if (e.root == path_root::constant) {
    auto parts = split_path(e.root_name);
    std::string name = parts.back();
    parts.pop_back();
    if (const scope* ms = find_module_scope(s, parts)) {
      auto it = ms->consts.find(name);
      if (it != ms->consts.end())
        e.constant = it->second;
    }
    if (!e.constant)
      diags.error(e.span, "The constant " + e.root_name + " (absolute path) is not defined.");
  }
  for (auto& seg : e.segments) {
    if (seg.a)
      bind_expr(*seg.a, s, diags);
    if (seg.b)
      bind_expr(*seg.b, s, diags);
  }
}

} // namespace

void bind_pattern(pattern& p, const scope& s, diagnostics& diags) {
  if (p.value)
    bind_expr(*p.value, s, diags);
  if (p.sub)
    bind_pattern(*p.sub, s, diags);
  for (auto& el : p.elems)
    bind_pattern(*el, s, diags);
  for (auto& f : p.fields) {
    if (f.rhs)
      bind_expr(*f.rhs, s, diags);
    if (f.sub)
      bind_pattern(*f.sub, s, diags);
  }
  if (p.k == pattern::kind::extractor && !p.compiled) {
    std::string err;
    if (!compile_extractor(p, err))
      diags.error(p.span, "Invalid tilde predicate pattern: " + err);
  }
}

namespace {

bool is_bare_event_path(const expr& e) {
  return e.kind == expr_kind::path && e.root == path_root::event && e.segments.empty();
}

// Conservatively answers whether evaluating `e` may read the event (user
// functions run with the event visible, so they count).
bool reads_event(const expr& e) {
  if (e.kind == expr_kind::path && e.root == path_root::event)
    return true;
  if (e.kind == expr_kind::call && !(e.target.native || (e.target.user && e.target.user->is_intrinsic)))
    return true;
  if (e.kind == expr_kind::emit && !e.items.empty() && !e.items[0])
    return true;
  for (const auto& x : e.items)
    if (x && reads_event(*x))
      return true;
  for (const auto& x : e.keys)
    if (x && reads_event(*x))
      return true;
  for (const auto& seg : e.segments)
    if ((seg.a && reads_event(*seg.a)) || (seg.b && reads_event(*seg.b)))
      return true;
  for (const auto& op : e.patches)
    if ((op.key && reads_event(*op.key)) || (op.value && reads_event(*op.value)))
      return true;
  // Patterns, guards and loop bodies: assume they may.
  return !e.cases.empty() || !e.for_cases.empty();
}

} // namespace

void mark_event_consumers(expr& e) {
  if (e.kind == expr_kind::patch && is_bare_event_path(*e.items[0])) {
    bool reads = false;
    for (const auto& op : e.patches)
      reads = reads || (op.key && reads_event(*op.key)) || (op.value && reads_event(*op.value));
    e.consume_event = !reads;
  } else if (e.kind == expr_kind::match) {
    for (auto& mc : e.cases)
      if (!mc.body.empty())
        mark_event_consumers(*mc.body.back());
  }
}

namespace {

// Natives whose result depends on more than their arguments (clock,
// randomness, the host, the event's origin): never folded.
bool is_pure_native(const std::string& name) {
  // test::suite records the suite for `temblor test unit`: an effect.
  static const char* const impure[] = {"random::", "system::", "origin::", "win::", "test::suite",
                                       "datetime::today"};
  for (const char* prefix : impure)
    if (name.rfind(prefix, 0) == 0)
      return false;
  return find_native(name) != nullptr;
}

bool is_literal(const expr_ptr& x) { return !x || x->kind == expr_kind::literal; }

// True when `e` is made of literals only, so Tremor evaluates it at load
// time: records, arrays, interpolations, operators, paths into literals and
// calls of pure natives (not match, patch, merge or user functions).
bool is_foldable(const expr& e) {
  switch (e.kind) {
    case expr_kind::record:
    case expr_kind::array:
    case expr_kind::string:
    case expr_kind::unary:
    case expr_kind::binary: break;
    case expr_kind::path:
      if (e.root != path_root::expr)
        return false;
      for (const auto& seg : e.segments)
        if (!is_literal(seg.a) || !is_literal(seg.b))
          return false;
      break;
    case expr_kind::call:
      if (!e.aggr_name.empty() || !e.target.user || !e.target.user->is_intrinsic ||
          !is_pure_native(e.target.user->native_name))
        return false;
      break;
    default: return false;
  }
  for (const auto& x : e.items)
    if (!is_literal(x))
      return false;
  for (const auto& x : e.keys)
    if (!is_literal(x))
      return false;
  return true;
}

// Evaluates a constant `e` and turns it into a literal; a failure is a load
// error with Tremor's runtime text (`[1].a`, `42 >> 64`, `string::len(1)`).
void fold(expr& e, diagnostics& diags) {
  eval_ctx c;
  value v;
  status st = eval(e, c, v);
  if (st == status::error) {
    diags.error(c.err.span, c.err.message);
    return;
  }
  if (st != status::ok)
    return;
  expr lit(expr_kind::literal, e.span);
  lit.lit = std::move(v);
  e = std::move(lit);
}

void bind_expr_in(expr& e, const scope& s, diagnostics& diags, bool may_fold) {
  if (e.kind == expr_kind::call)
    bind_call(e, s, diags);
  if (e.kind == expr_kind::path)
    bind_path(e, s, diags);
  // A `let` target and the path of `present`/`absent` are places, not
  // values: they are never folded.
  bool place_first = e.kind == expr_kind::let || e.kind == expr_kind::present ||
                     e.kind == expr_kind::absent;
  for (size_t i = 0; i < e.items.size(); ++i)
    if (e.items[i])
      bind_expr_in(*e.items[i], s, diags, !(place_first && i == 0));
  for (auto& x : e.keys)
    if (x)
      bind_expr(*x, s, diags);
  for (auto& mc : e.cases) {
    bind_pattern(*mc.pat, s, diags);
    if (mc.guard)
      bind_expr(*mc.guard, s, diags);
    for (auto& b : mc.body)
      bind_expr(*b, s, diags);
  }
  for (auto& fc : e.for_cases) {
    if (fc.guard)
      bind_expr(*fc.guard, s, diags);
    for (auto& b : fc.body)
      bind_expr(*b, s, diags);
  }
  for (auto& op : e.patches) {
    if (op.key)
      bind_expr(*op.key, s, diags);
    if (op.value)
      bind_expr(*op.value, s, diags);
  }
  // Calls are bound now, so reads_event can tell natives from user code.
  if (e.kind == expr_kind::let && is_bare_event_path(*e.items[0]))
    mark_event_consumers(*e.items[1]);
  if (e.kind == expr_kind::emit && e.items[0])
    mark_event_consumers(*e.items[0]);
  if (may_fold && is_foldable(e))
    fold(e, diags);
}

} // namespace

void bind_expr(expr& e, const scope& s, diagnostics& diags) { bind_expr_in(e, s, diags, true); }

namespace {

void check_recur_block(const std::vector<expr_ptr>& body, bool tail, diagnostics& diags);

// `recur` must be the last thing its function does: the last statement of
// the body, or of a case of a match in that position.
void check_recur(const expr& e, bool tail, diagnostics& diags) {
  if (e.kind == expr_kind::recur && !tail)
    diags.error(e.span, "Can not recur from this location");
  for (const auto& x : e.items)
    if (x)
      check_recur(*x, false, diags);
  for (const auto& x : e.keys)
    if (x)
      check_recur(*x, false, diags);
  for (const auto& seg : e.segments) {
    if (seg.a)
      check_recur(*seg.a, false, diags);
    if (seg.b)
      check_recur(*seg.b, false, diags);
  }
  for (const auto& mc : e.cases) {
    if (mc.guard)
      check_recur(*mc.guard, false, diags);
    check_recur_block(mc.body, tail && e.kind == expr_kind::match, diags);
  }
  for (const auto& fc : e.for_cases) {
    if (fc.guard)
      check_recur(*fc.guard, false, diags);
    check_recur_block(fc.body, false, diags);
  }
  for (const auto& op : e.patches) {
    if (op.key)
      check_recur(*op.key, false, diags);
    if (op.value)
      check_recur(*op.value, false, diags);
  }
}

void check_recur_block(const std::vector<expr_ptr>& body, bool tail, diagnostics& diags) {
  for (size_t i = 0; i < body.size(); ++i)
    check_recur(*body[i], tail && i + 1 == body.size(), diags);
}

} // namespace

void bind_fn(fn_def& f, const scope& s, diagnostics& diags) {
  if (f.is_intrinsic) {
    const native_entry* n = find_native(f.native_name);
    if (!n) {
      diags.error(f.span, "Unknown intrinsic `" + f.native_name + "`");
      return;
    }
    f.native.native = n->fn;
    f.native.min_args = n->min_args;
    f.native.max_args = n->max_args;
    return;
  }
  for (auto& b : f.body)
    bind_expr(*b, s, diags);
  for (auto& mc : f.cases) {
    bind_pattern(*mc.pat, s, diags);
    if (mc.guard)
      bind_expr(*mc.guard, s, diags);
    for (auto& b : mc.body)
      bind_expr(*b, s, diags);
    check_recur_block(mc.body, true, diags);
  }
  check_recur_block(f.body, true, diags);
}

bool is_load_time_expr(const expr& e, bool allow_args) {
  if (e.kind == expr_kind::path) {
    switch (e.root) {
      case path_root::event:
      case path_root::meta:
      case path_root::state:
      case path_root::group:
      case path_root::window: return false;
      case path_root::args:
        if (!allow_args)
          return false;
        break;
      default: break;
    }
  }
  if (e.kind == expr_kind::call &&
      (!e.aggr_name.empty() ||
       (e.target.user && e.target.user->is_intrinsic && !is_pure_native(e.target.user->native_name))))
    return false;
  auto ok = [&](const expr_ptr& x) { return !x || is_load_time_expr(*x, allow_args); };
  for (const auto& x : e.items)
    if (!ok(x))
      return false;
  for (const auto& x : e.keys)
    if (!ok(x))
      return false;
  for (const auto& seg : e.segments)
    if (!ok(seg.a) || !ok(seg.b))
      return false;
  for (const auto& mc : e.cases) {
    if (!ok(mc.guard))
      return false;
    for (const auto& b : mc.body)
      if (!ok(b))
        return false;
  }
  for (const auto& fc : e.for_cases) {
    if (!ok(fc.guard))
      return false;
    for (const auto& b : fc.body)
      if (!ok(b))
        return false;
  }
  for (const auto& op : e.patches)
    if (!ok(op.key) || !ok(op.value))
      return false;
  return true;
}

bool eval_const(const expr& e, const value* args, value& out, diagnostics& diags) {
  eval_ctx c;
  value empty_record{record{}};
  c.args = args ? args : &empty_record;
  status s = eval(e, c, out);
  if (s == status::ok)
    return true;
  if (s == status::error) {
    // A call that failed to bind was reported at load already; its runtime
    // twin ("Unknown function") would only repeat it.
    for (const auto& d : diags.all())
      if (d.span.file == c.err.span.file && d.span.begin.offset == c.err.span.begin.offset &&
          d.span.end.offset == c.err.span.end.offset)
        return false;
    diags.error(c.err.span, c.err.message);
  } else
    diags.error(e.span, "This expression cannot be evaluated at load time");
  return false;
}

} // namespace temblor::dsl
