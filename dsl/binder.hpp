#pragma once

// The load-time pass over a parsed tree: binds calls and constant references
// to their targets, compiles extractors, marks `patch event` that may work
// in place and folds constants. After it the evaluator (interpreter.hpp)
// does no name lookup except for `let` locals.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"
#include "runtime/core/value.hpp"

namespace temblor::dsl {

/// A lexical scope for binding names: functions, constants and `use`
/// aliases; chained to the enclosing scope.
struct scope {
  const scope* parent = nullptr;
  std::map<std::string, const fn_def*> fns;
  std::map<std::string, const value*> consts;
  std::map<std::string, std::vector<std::string>> modules; ///< alias -> module path
  /// Returns the scope of the module at `path` (loading it), or nullptr.
  std::function<const scope*(const std::vector<std::string>& path)> load_module;
};

/// Binds calls and constant references in `e` (recursively). Unknown
/// functions are reported to `diags`.
void bind_expr(expr& e, const scope& s, diagnostics& diags);
void bind_pattern(pattern& p, const scope& s, diagnostics& diags);
/// Marks `patch event of …` in tail position of `e` (whose value is about to
/// replace the event) so it patches the event in place. Called for `let
/// event = …`, `emit …` and a script's last statement.
void mark_event_consumers(expr& e);

/// Binds a user function's body and, for intrinsics, its native target.
void bind_fn(fn_def& f, const scope& s, diagnostics& diags);

/// True when `e` can be evaluated at load time: it reads no event, metadata,
/// state, group or window (nor `args`, unless `allow_args`) and calls no
/// aggregate or native whose result is not a function of its arguments.
bool is_load_time_expr(const expr& e, bool allow_args);

/// Tremor's text for an expression that fails is_load_time_expr.
constexpr const char* not_constant_text =
  "The expression isn't constant and can't be evaluated at compile time";

/// Evaluates a constant expression (no event); errors go to `diags`.
bool eval_const(const expr& e, const value* args, value& out, diagnostics& diags);

} // namespace temblor::dsl
