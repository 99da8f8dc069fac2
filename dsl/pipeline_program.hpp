#pragma once

// A compiled pipeline: its nodes (streams, scripts, operators, nested
// pipelines), its selects wired to node indices, its ports and its args.
// Immutable once built; runners (dsl/pipeline_runner.hpp) hold the state.

#include <memory>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/interpreter.hpp"
#include "dsl/module_loader.hpp"

namespace temblor::dsl {

struct node_spec {
  enum class kind : uint8_t { stream, script, op, pipeline } k = kind::stream;
  std::string name;
  // script
  const script_def* script = nullptr;
  value script_args;
  value initial_state;
  // operator
  std::string op_type; ///< `generic::batch`
  value op_config;
  // nested pipeline
  std::shared_ptr<const class pipeline_program> sub;
  source_span span;
};

/// A `define window` (tumbling only): closes after `size` events or after
/// `interval_ns` of event time, whichever is set. With a `script`, its value
/// per event is that event's weight towards `size`, or the event's time
/// for `interval`.
struct window_spec {
  std::string name;
  uint64_t size = 0;
  uint64_t interval_ns = 0;
  uint64_t max_groups = 0; ///< 0 = unlimited
  bool emit_empty = false;
  const std::vector<expr_ptr>* script = nullptr; ///< the window's `script` body
};

/// Where a select reads from or writes to: a node, or (node == -1) the
/// pipeline's own input (for `from`) / output (for `into`) ports.
struct select_spec {
  const select_stmt* stmt = nullptr;
  int from_node = -1;
  std::string from_port;
  int into_node = -1;
  std::string into_port;
  std::vector<int> windows;          ///< indices into pipeline_program::windows
  std::vector<const expr*> aggrs;    ///< aggregate calls of the target, by slot
};

class pipeline_program : public std::enable_shared_from_this<pipeline_program> {
public:
  std::string name;
  std::shared_ptr<module_store> store; ///< keeps trees and scopes alive
  value args;
  std::vector<node_spec> nodes;
  std::vector<select_spec> selects;
  std::vector<window_spec> windows;
  std::vector<std::string> in_ports;
  std::vector<std::string> out_ports;
  value config; ///< `#!config` entries
};

/// Compiles `def` (found in `owner`'s scope) with evaluated `args`. Errors go
/// to the loader's diagnostics; returns nullptr on error.
std::shared_ptr<pipeline_program> compile_pipeline(module_loader& loader,
                                                   const std::shared_ptr<pipeline_def>& def,
                                                   const scope* owner, value args,
                                                   int depth = 0);

/// Checks `with` entries against `decls` and evaluates them (with `caller`
/// as `args`), filling defaults. Reports unknown parameters (in troy's
/// wording when `troy_alias`, the created alias, is given) and "Missing
/// required argument" at `at`.
bool resolve_args(const std::vector<arg_decl>& decls, const std::vector<with_entry>& with,
                  const value& caller, const source_span& at, diagnostics& diags,
                  value& out, const std::string& troy_alias = {});

/// Binds the default expressions of `decls` (once) in `owner`, the scope the
/// definition lives in.
void bind_defaults(module_loader& loader, std::vector<arg_decl>& decls, const scope& owner);

/// Returns whether `type` (`generic::batch`) names a known operator.
bool is_known_operator(const std::string& type);

} // namespace temblor::dsl
