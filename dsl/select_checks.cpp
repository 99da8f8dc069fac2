#include "dsl/select_checks.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace temblor::dsl {

namespace {

void pattern_names(const pattern& p, std::vector<std::string>& out) {
  if (p.k == pattern::kind::assign)
    out.push_back(p.name);
  if (p.sub)
    pattern_names(*p.sub, out);
  for (const auto& el : p.elems)
    pattern_names(*el, out);
  for (const auto& f : p.fields) {
    if (!f.bind.empty())
      out.push_back(f.bind);
    if (f.sub)
      pattern_names(*f.sub, out);
  }
}

// True when `e` reads a local that is neither a constant nor in `bound`.
bool reads_unbound_local(const expr& e, std::vector<std::string>& bound) {
  if (e.kind == expr_kind::path && e.root == path_root::local && !e.constant &&
      std::find(bound.begin(), bound.end(), e.root_name) == bound.end())
    return true;
  auto reads = [&](const expr_ptr& x) { return x && reads_unbound_local(*x, bound); };
  if (std::any_of(e.items.begin(), e.items.end(), reads) ||
      std::any_of(e.keys.begin(), e.keys.end(), reads))
    return true;
  for (const auto& seg : e.segments)
    if (reads(seg.a) || reads(seg.b))
      return true;
  for (const auto& op : e.patches)
    if (reads(op.key) || reads(op.value))
      return true;
  size_t outer = bound.size();
  bool found = false;
  for (const auto& mc : e.cases) {
    pattern_names(*mc.pat, bound);
    found = reads(mc.guard) || std::any_of(mc.body.begin(), mc.body.end(), reads);
    bound.resize(outer);
    if (found)
      return true;
  }
  for (const auto& fc : e.for_cases) {
    bound.push_back(fc.key_name);
    bound.push_back(fc.value_name);
    found = reads(fc.guard) || std::any_of(fc.body.begin(), fc.body.end(), reads);
    bound.resize(outer);
    if (found)
      return true;
  }
  return false;
}

void check_clause(const expr* e, diagnostics& diags) {
  std::vector<std::string> bound;
  if (e && reads_unbound_local(*e, bound))
    diags.error(e->span, "Local variables are not allowed here");
}

void check_group(const select_stmt::group_def& g, diagnostics& diags) {
  check_clause(g.e.get(), diags);
  for (const auto& x : g.items)
    check_group(x, diags);
}

std::string_view source_of(const source_span& s) {
  if (!s.file || s.end.offset < s.begin.offset || s.end.offset > s.file->text.size())
    return {};
  return std::string_view(s.file->text).substr(s.begin.offset, s.end.offset - s.begin.offset);
}

void group_sources(const select_stmt::group_def& g, std::vector<std::string_view>& out) {
  if (g.e)
    out.push_back(source_of(g.e->span));
  for (const auto& x : g.items)
    group_sources(x, out);
}

void report_event_refs(const expr& e, const std::vector<std::string_view>& grouped,
                       diagnostics& diags) {
  if (!e.aggr_name.empty())
    return; // aggregates see each event
  if (std::find(grouped.begin(), grouped.end(), source_of(e.span)) != grouped.end())
    return; // the same for the whole group
  if (e.kind == expr_kind::path && (e.root == path_root::event || e.root == path_root::meta)) {
    diags.error(e.span, "References to `event` or `$` are not allowed in this context");
    return;
  }
  auto visit = [&](const expr_ptr& x) {
    if (x)
      report_event_refs(*x, grouped, diags);
  };
  std::for_each(e.items.begin(), e.items.end(), visit);
  std::for_each(e.keys.begin(), e.keys.end(), visit);
  for (const auto& seg : e.segments) {
    visit(seg.a);
    visit(seg.b);
  }
  for (const auto& mc : e.cases) {
    visit(mc.guard);
    std::for_each(mc.body.begin(), mc.body.end(), visit);
  }
  for (const auto& fc : e.for_cases) {
    visit(fc.guard);
    std::for_each(fc.body.begin(), fc.body.end(), visit);
  }
  for (const auto& op : e.patches) {
    visit(op.key);
    visit(op.value);
  }
}

} // namespace

void check_select_locals(const select_stmt& s, diagnostics& diags) {
  check_clause(s.target.get(), diags);
  check_clause(s.where.get(), diags);
  check_clause(s.having.get(), diags);
  if (s.has_group)
    check_group(s.group, diags);
}

void check_windowed_event_refs(const select_stmt& s, diagnostics& diags) {
  if (s.windows.empty() || !s.target)
    return;
  std::vector<std::string_view> grouped;
  if (s.has_group)
    group_sources(s.group, grouped);
  report_event_refs(*s.target, grouped, diags);
}

} // namespace temblor::dsl
