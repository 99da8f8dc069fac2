#pragma once

// Evaluates expressions of the tree. Errors are returned, never thrown: the
// evaluator runs on the event path. Calls and constants are bound to their
// targets at load time (binder.hpp), so evaluation does no name lookup except
// for `let` locals.

#include <memory>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"
#include "runtime/core/value.hpp"

namespace temblor::dsl {

enum class status : uint8_t { ok, error, emit, drop, recur };

struct runtime_error {
  source_span span;
  std::string message;
  /// The lines shown around the span (Tremor's outer range: the enclosing
  /// match or patch, or two lines of context); 0 = the span's own lines.
  uint32_t first_line = 0;
  uint32_t last_line = 0;
  std::string note; ///< printed under the message as `NOTE: …`
};

/// Everything an expression can see while it runs.
struct eval_ctx {
  value* event = nullptr;
  value* meta = nullptr;
  value* state = nullptr;
  const value* args = nullptr;
  const value* group = nullptr;
  const value* window = nullptr;
  std::vector<std::pair<std::string, value>> locals;
  int call_depth = 0;
  uint64_t ingest_ns = 0;

  runtime_error err;      ///< set when status::error is returned
  value emitted;          ///< set with status::emit
  std::string emit_port;  ///< empty = the default port
  std::vector<value> recur_args;
  /// Finished aggregate values of a windowed select, by aggr_index.
  const std::vector<value>* aggr_values = nullptr;
  /// Groups a windowed select holds while it emits (win::cardinality); 0
  /// outside a window.
  uint64_t window_cardinality = 0;
};

/// Returns the context of the native call running on this thread, so
/// natives like `system::ingest_ns` can read the event; nullptr otherwise.
const eval_ctx* current_eval_ctx();

/// Sets how often a function may `recur` per call (`server run -r`; Tremor's
/// default is 1024). Call once at startup, before any pipeline runs.
void set_recursion_limit(uint64_t limit);

/// Evaluates `e` into `out`.
status eval(const expr& e, eval_ctx& c, value& out);
/// Evaluates a block; `out` receives the last value.
status eval_block(const std::vector<expr_ptr>& body, eval_ctx& c, value& out);

/// Tremor's script equality: numbers compare by value across int/float.
bool script_eq(const value& a, const value& b);

/// Renders a runtime error the way Tremor prints hygienic errors:
/// "Error: \n    3 | <line>\n      |   ^^^ <message>\n\n" (spec §2.3).
std::string render_runtime_error(const runtime_error& e);

/// Names a value kind for error messages.
std::string type_name(const value& v);

} // namespace temblor::dsl
