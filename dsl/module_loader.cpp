#include "dsl/module_loader.hpp"

#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "dsl/parser.hpp"
#include "dsl/stdlib.hpp"

namespace temblor::dsl {

bool read_file(const std::string& path, std::string& out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return false;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

const char* find_embedded(const std::string& path) {
  for (size_t i = 0; i < embedded_stdlib_count; ++i)
    if (path == embedded_stdlib[i].path)
      return embedded_stdlib[i].text;
  return nullptr;
}

namespace {

template <class List>
void report_duplicates(const List& defs, const char* what, diagnostics& diags) {
  for (size_t i = 0; i < defs.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (defs[i]->name == defs[j]->name) {
        diags.error(defs[i]->span,
                    std::string("Can't define the ") + what + " `" + defs[i]->name + "` twice");
        break;
      }
}

void report_duplicate_consts(const std::vector<const_def>& consts, diagnostics& diags) {
  for (size_t i = 0; i < consts.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (consts[i].name == consts[j].name) {
        diags.error(consts[i].span, "Can't define the const `" + consts[i].name + "` twice");
        break;
      }
}

} // namespace

void module_loader::check_duplicates(const scope_items& items) {
  if (!store_->bound.insert(&items).second)
    return;
  report_duplicates(items.connectors, "connector", diags_);
  report_duplicates(items.pipelines, "pipeline", diags_);
  report_duplicates(items.flows, "flow", diags_);
  report_duplicates(items.scripts, "script", diags_);
  report_duplicates(items.operators, "operator", diags_);
  report_duplicates(items.windows, "window", diags_);
  report_duplicates(items.fns, "function", diags_);
  report_duplicate_consts(items.consts, diags_);
}

void check_script_duplicates(const script_def& sd, diagnostics& diags) {
  report_duplicates(sd.fns, "function", diags);
  report_duplicate_consts(sd.consts, diags);
}

module_loader::module_loader(std::vector<std::string> module_path, diagnostics& diags)
  : path_(std::move(module_path)), diags_(diags), store_(std::make_shared<module_store>()) {}

const loaded_module* module_loader::load(const std::vector<std::string>& path,
                                         const source_span& at) {
  std::string key, rel;
  for (size_t i = 0; i < path.size(); ++i) {
    key += (i ? "::" : "") + path[i];
    rel += (i ? "/" : "") + path[i];
  }
  auto it = store_->modules.find(key);
  if (it != store_->modules.end())
    return it->second ? it->second.get() : nullptr;
  for (size_t i = 0; i < loading_.size(); ++i) {
    if (loading_[i].first != key)
      continue;
    std::string chain;
    for (size_t j = i; j < loading_.size(); ++j)
      chain += (j > i ? " -> " : "") + loading_[j].second;
    diags_.error(at, "Cyclic dependency detected: " + chain);
    return nullptr;
  }
  std::string text, name;
  bool found = false;
  for (const char* ext : {".tremor", ".trickle", ".troy"}) {
    for (const auto& dir : path_) {
      std::string candidate = dir + "/" + rel + ext;
      if (read_file(candidate, text)) {
        name = candidate;
        found = true;
        break;
      }
    }
    if (found)
      break;
  }
  if (!found) {
    if (const char* t = find_embedded(rel + ".tremor")) {
      text = t;
      name = "<stdlib>/" + rel + ".tremor";
      found = true;
    }
  }
  if (!found) {
    std::string searched;
    for (const auto& dir : path_)
      searched += " - " + dir + "/";
    diags_.error(at, "Module `" + key + "` not found or not readable error in module path:" +
                       searched + " - (the built-in stdlib)");
    store_->modules[key] = nullptr;
    return nullptr;
  }
  loading_.emplace_back(key, name);
  auto file = std::make_shared<source_file>(source_file{name, std::move(text)});
  bool ok = true;
  auto ast = parse(file, parse_mode::module, diags_, ok);
  if (!ok) {
    loading_.pop_back();
    store_->modules[key] = nullptr;
    return nullptr;
  }
  auto m = std::make_unique<loaded_module>();
  m->key = key;
  m->ast = std::move(ast);
  m->sc = make_scope(m->ast->items, nullptr);
  loading_.pop_back();
  auto* raw = m.get();
  store_->modules[key] = std::move(m);
  return raw;
}

scope* module_loader::make_scope(scope_items& items, const scope* parent) {
  store_->scopes.emplace_back();
  scope* s = &store_->scopes.back();
  s->parent = parent;
  s->load_module = [this](const std::vector<std::string>& path) -> const scope* {
    const loaded_module* m = load(path, source_span{});
    return m ? m->sc : nullptr;
  };
  for (auto& u : items.uses) {
    s->modules[u.alias] = u.path;
    load(u.path, u.span);
  }
  check_duplicates(items);
  // Names first (functions and constants may refer to each other), then
  // bind function bodies, then evaluate constants in source order.
  for (auto& f : items.fns)
    s->fns[f->name] = f.get();
  std::vector<value*> slots;
  for (auto& c : items.consts) {
    store_->values.emplace_back();
    slots.push_back(&store_->values.back());
    s->consts[c.name] = slots.back();
  }
  for (auto& f : items.fns)
    bind_fn(*f, *s, diags_);
  for (size_t i = 0; i < items.consts.size(); ++i) {
    auto& c = items.consts[i];
    bind_expr(*c.init, *s, diags_);
    if (!is_load_time_expr(*c.init, false))
      diags_.error(c.span, not_constant_text);
    else if (eval_const(*c.init, nullptr, *slots[i], diags_))
      c.evaluated = true;
  }
  return s;
}

const loaded_module* module_loader::resolve_alias(const scope& s,
                                                  const std::vector<std::string>& parts,
                                                  const source_span& at) {
  for (const scope* p = &s; p; p = p->parent) {
    auto it = p->modules.find(parts[0]);
    if (it == p->modules.end())
      continue;
    std::vector<std::string> path = it->second;
    path.insert(path.end(), parts.begin() + 1, parts.end());
    return load(path, at);
  }
  // Not a `use` alias: accept the full module path as well.
  return load(parts, at);
}

bool module_loader::failed(const scope& s, const std::vector<std::string>& parts) const {
  if (parts.empty())
    return false;
  std::vector<std::string> path = parts;
  for (const scope* p = &s; p; p = p->parent) {
    auto it = p->modules.find(parts[0]);
    if (it != p->modules.end()) {
      path = it->second;
      path.insert(path.end(), parts.begin() + 1, parts.end());
      break;
    }
  }
  std::string key;
  for (size_t i = 0; i < path.size(); ++i)
    key += (i ? "::" : "") + path[i];
  auto it = store_->modules.find(key);
  return it != store_->modules.end() && !it->second;
}

} // namespace temblor::dsl
