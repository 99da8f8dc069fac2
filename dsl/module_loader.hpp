#pragma once

// Finds, parses and caches modules for `use a::b::c`: TREMOR_PATH
// directories first (`a/b/c.tremor`, then `.trickle`, then `.troy`), then
// the embedded stdlib. Owns every tree and scope of one load in a
// module_store that compiled pipelines keep alive.

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/binder.hpp"

namespace temblor::dsl {

struct loaded_module {
  std::string key; ///< `a::b::c`
  std::unique_ptr<module_ast> ast;
  scope* sc = nullptr;
};

/// Keeps trees, scopes and constant values alive for as long as any
/// compiled pipeline refers to them.
struct module_store {
  std::map<std::string, std::unique_ptr<loaded_module>> modules;
  std::vector<std::unique_ptr<module_ast>> roots;
  std::deque<scope> scopes;
  std::deque<value> values;
  std::set<const void*> bound; ///< definitions whose expressions are bound
  std::map<const void*, scope*> def_scopes; ///< pipeline definition -> its scope
  std::vector<std::shared_ptr<void>> keep;  ///< standalone definitions
};

class module_loader {
public:
  module_loader(std::vector<std::string> module_path, diagnostics& diags);

  /// Loads (once) the module at `path`; reports "Module … not found" at `at`
  /// and returns nullptr when it is missing or cyclic.
  const loaded_module* load(const std::vector<std::string>& path, const source_span& at);

  /// Creates a scope under `parent` for `items`: registers `use` aliases
  /// (loading them), functions (bound) and constants (evaluated).
  scope* make_scope(scope_items& items, const scope* parent);

  /// Looks a definition up by target (`name` or `alias::…::name`) in `s`
  /// and the modules it uses. `pick` selects the list from scope_items;
  /// `owner` receives the scope the definition lives in.
  template <class T, class Pick>
  std::shared_ptr<T> find_def(const mod_target& t, const scope& s,
                              const std::vector<std::pair<const scope_items*, const scope*>>& local,
                              Pick pick, const scope*& owner);

  /// Returns the scope of the module whose alias path is `parts`.
  const loaded_module* resolve_alias(const scope& s, const std::vector<std::string>& parts,
                                     const source_span& at);

  /// Returns whether the module behind `parts` (alias first) already failed
  /// to load, so callers can skip follow-up errors.
  bool failed(const scope& s, const std::vector<std::string>& parts) const;

  std::shared_ptr<module_store> store() const { return store_; }
  diagnostics& diags() { return diags_; }

private:
  void check_duplicates(const scope_items& items);

  std::vector<std::string> path_;
  diagnostics& diags_;
  std::shared_ptr<module_store> store_;
  /// Modules being loaded, outermost first: key and file (for the cycle report).
  std::vector<std::pair<std::string, std::string>> loading_;
};

template <class T, class Pick>
std::shared_ptr<T>
module_loader::find_def(const mod_target& t, const scope& s,
                        const std::vector<std::pair<const scope_items*, const scope*>>& local,
                        Pick pick, const scope*& owner) {
  if (t.path.empty()) {
    for (const auto& [items, sc] : local) {
      for (const auto& d : pick(*items)) {
        if (d->name == t.name) {
          owner = sc;
          return d;
        }
      }
    }
    return nullptr;
  }
  const loaded_module* m = resolve_alias(s, t.path, t.span);
  if (!m)
    return nullptr;
  for (const auto& d : pick(m->ast->items)) {
    if (d->name == t.name) {
      owner = m->sc;
      return d;
    }
  }
  return nullptr;
}

/// Reads a file into `out`; false when it cannot be read.
bool read_file(const std::string& path, std::string& out);

/// Reports functions and constants a script defines twice (Tremor's "Can't
/// define the const `x` twice").
void check_script_duplicates(const script_def& sd, diagnostics& diags);

} // namespace temblor::dsl
