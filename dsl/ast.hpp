#pragma once

// The syntax tree shared by troy, trickle and tremor-script. Every node has a
// span. Expressions are one node type with a kind tag (the evaluator is a
// switch); statements that only exist at load time are plain structs.

#include <memory>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "runtime/core/value.hpp"

namespace temblor::dsl {

struct expr;
struct pattern;
struct fn_def;
struct loaded_module;
using expr_ptr = std::unique_ptr<expr>;
using pattern_ptr = std::unique_ptr<pattern>;
using native_fn = bool (*)(const value* args, size_t n, value& out, std::string& err);

enum class expr_kind : uint8_t {
  literal,  ///< `lit`
  string,   ///< interpolated string: `parts` (literal values or expressions)
  record,   ///< `keys` (string exprs) and `items`
  array,    ///< `items`
  path,     ///< see path_root / segments
  unary,    ///< `op` `items[0]`
  binary,   ///< `items[0]` `op` `items[1]`
  present,  ///< `present path` (items[0] is a path)
  absent,
  call,     ///< `name` (a::b::f), `items` = args
  recur,    ///< `items` = args
  match,
  patch,
  merge,    ///< items[0] of items[1]
  for_each,
  let,      ///< items[0] (path) = items[1]
  emit,     ///< items[0] optional (null ptr = event); `port` optional
  drop,
  bytes,    ///< `items` with `bytes_parts`
};

/// The operator of a unary or binary expression, of a record pattern's
/// comparison and of a `for … use` fold, decided by the parser so the
/// evaluator switches on it instead of comparing text.
enum class op_code : uint8_t {
  none, ///< no operator (a `for` without `use`)
  // binary, loosest first
  or_,
  xor_,
  and_,
  bit_xor,
  bit_and,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  shl,
  shr,
  ushr,
  add,
  sub,
  mul,
  div,
  mod,
  // unary
  not_,
  negate,
  identity,
};

/// The operator as written (`and`, `>>>`, `not`, unary `-`…), for messages.
inline const char* op_text(op_code op) {
  switch (op) {
    case op_code::none: return "";
    case op_code::or_: return "or";
    case op_code::xor_: return "xor";
    case op_code::and_: return "and";
    case op_code::bit_xor: return "^";
    case op_code::bit_and: return "&";
    case op_code::eq: return "==";
    case op_code::ne: return "!=";
    case op_code::lt: return "<";
    case op_code::le: return "<=";
    case op_code::gt: return ">";
    case op_code::ge: return ">=";
    case op_code::shl: return "<<";
    case op_code::shr: return ">>";
    case op_code::ushr: return ">>>";
    case op_code::add: return "+";
    case op_code::sub: return "-";
    case op_code::mul: return "*";
    case op_code::div: return "/";
    case op_code::mod: return "%";
    case op_code::not_: return "not";
    case op_code::negate: return "-";
    case op_code::identity: return "+";
  }
  return "";
}

enum class path_root : uint8_t { event, meta, state, args, group, window, local, expr, constant };

struct segment {
  enum class kind : uint8_t { field, index, range } k = kind::field;
  std::string name;
  expr_ptr a;
  expr_ptr b;
  source_span span;
};

struct match_case {
  pattern_ptr pat;
  expr_ptr guard;
  std::vector<expr_ptr> body;
  source_span span;
};

struct patch_op {
  enum class kind : uint8_t { insert, upsert, update, erase, move, copy, merge, default_ } k;
  expr_ptr key;   ///< string expression; null for `merge =>` / `default =>`
  expr_ptr value; ///< value or the target key of move/copy
  source_span span;
};

struct for_case {
  std::string key_name;
  std::string value_name;
  expr_ptr guard;
  std::vector<expr_ptr> body;
};

struct bytes_part {
  unsigned bits = 0; ///< 0 = default for the kind
  bool big = true;
  bool is_signed = false;
  enum class kind : uint8_t { integer, binary, float_ } k = kind::integer;
};

/// A resolved function target, bound at load time.
struct callee {
  native_fn native = nullptr;
  size_t min_args = 0;
  size_t max_args = 0;
  const fn_def* user = nullptr;
};

struct expr {
  expr_kind kind;
  source_span span;
  op_code op = op_code::none; ///< unary / binary operator
  std::string name; ///< emit port; call name
  value lit;        ///< literal value; for string parts: unused
  std::vector<expr_ptr> items;
  std::vector<expr_ptr> keys;

  // path
  path_root root = path_root::event;
  std::string root_name; ///< local name or const name (a::B)
  std::vector<segment> segments;
  const value* constant = nullptr; ///< bound const value

  // call
  callee target;
  std::string aggr_name; ///< set for aggregate calls (`stats::count`)
  int aggr_index = -1;   ///< slot of an aggregate call in its windowed select

  // match / for / patch
  std::vector<match_case> cases;
  std::vector<for_case> for_cases;
  std::vector<patch_op> patches;
  op_code fold_op = op_code::none; ///< `for … into x use op`; none = append / `+`
  /// A `patch event of …` whose result replaces the event and whose
  /// operations never read the event: it may patch the event in place
  /// instead of copying it.
  bool consume_event = false;
  std::vector<bytes_part> bytes_parts;

  // string: literal pieces interleaved with `items` (nullptr = literal text)
  std::vector<std::string> texts;

  explicit expr(expr_kind k, source_span s) : kind(k), span(std::move(s)) {}
};

struct field_pred {
  enum class kind : uint8_t { extract, pattern, present, absent, compare } k;
  std::string key;
  op_code op = op_code::none; ///< compare
  expr_ptr rhs;
  pattern_ptr sub;
  std::string bind; ///< `x = k ~= …`
  source_span span;
};

struct pattern {
  enum class kind : uint8_t { record, array, tuple, wildcard, extractor, assign, expr } k;
  source_span span;
  std::vector<field_pred> fields;
  std::vector<pattern_ptr> elems;
  bool open_tuple = false;
  std::string name;   ///< extractor name or assign binding
  std::string body;   ///< extractor body
  pattern_ptr sub;    ///< assign
  expr_ptr value;     ///< expr pattern
  std::shared_ptr<void> compiled; ///< pre-compiled extractor (regex …)
};

struct fn_def {
  std::string name;
  std::vector<std::string> params;
  bool varargs = false;
  std::vector<expr_ptr> body;
  std::vector<match_case> cases; ///< `of` form; patterns are tuples
  bool has_cases = false;
  callee native; ///< intrinsic binding
  bool is_intrinsic = false;
  std::string native_name; ///< `intrinsic … as a::b`
  source_span span;
};

struct const_def {
  std::string name;
  expr_ptr init;
  value val;
  bool evaluated = false;
  source_span span;
};

struct use_stmt {
  std::vector<std::string> path;
  std::string alias;
  source_span span;
};

struct arg_decl {
  std::string name;
  expr_ptr default_value; ///< null = required
  source_span span;
};

struct with_entry {
  std::string name;
  expr_ptr val;
  source_span span;
};

struct mod_target {
  std::vector<std::string> path; ///< module path (may be empty)
  std::string name;
  source_span span;
};

struct connector_def {
  std::string name;
  std::string type;
  source_span type_span;
  std::vector<arg_decl> args;
  std::vector<with_entry> with;
  source_span span;
};

struct create_stmt {
  std::string what; ///< connector, pipeline, operator, script, stream
  std::string alias;
  bool has_from = false;
  mod_target from;
  std::vector<with_entry> with;
  source_span span;
};

struct connect_end {
  std::string what;
  std::string alias;
  std::string port;
  source_span span;
};

struct connect_stmt {
  connect_end from;
  connect_end to;
  source_span span;
};

struct select_stmt {
  expr_ptr target;
  std::string from_node, from_port;
  std::vector<std::string> windows;
  expr_ptr where;
  struct group_def {
    enum class kind : uint8_t { expr, set, each } k = kind::expr;
    expr_ptr e;
    std::vector<group_def> items;
  };
  bool has_group = false;
  group_def group;
  std::string into_node, into_port;
  expr_ptr having;
  source_span span;
};

struct script_def {
  std::string name;
  std::vector<arg_decl> args;
  expr_ptr state;
  std::vector<std::pair<std::string, std::vector<expr_ptr>>> bodies; ///< port -> body
  std::vector<const_def> consts;
  std::vector<std::shared_ptr<fn_def>> fns;
  std::vector<use_stmt> uses;
  source_span span;
};

struct operator_def {
  std::string name;
  std::string op_module, op_name;
  source_span op_span;
  std::vector<arg_decl> args;
  std::vector<with_entry> with;
  source_span span;
};

struct window_def {
  std::string name;
  std::string kind;
  std::vector<with_entry> with;
  /// `state` / `script` / `script from tick` bodies, or null.
  std::shared_ptr<script_def> script;
  source_span span;
};

struct pipeline_def;
struct flow_def;

/// The statements of a module body (a file, a flow or a pipeline); each list
/// keeps source order within itself.
struct scope_items {
  std::vector<use_stmt> uses;
  std::vector<const_def> consts;
  std::vector<std::shared_ptr<fn_def>> fns;
  std::vector<std::shared_ptr<connector_def>> connectors;
  std::vector<std::shared_ptr<pipeline_def>> pipelines;
  std::vector<std::shared_ptr<flow_def>> flows;
  std::vector<std::shared_ptr<script_def>> scripts;
  std::vector<std::shared_ptr<operator_def>> operators;
  std::vector<std::shared_ptr<window_def>> windows;
};

struct pipeline_def {
  std::string name;
  std::vector<std::string> from_ports;
  std::vector<std::string> into_ports;
  std::vector<arg_decl> args;
  std::vector<with_entry> config;
  scope_items items;
  std::vector<create_stmt> creates;
  std::vector<select_stmt> selects;
  source_span span;
};

struct flow_def {
  std::string name;
  std::vector<arg_decl> args;
  scope_items items;
  std::vector<create_stmt> creates;
  std::vector<connect_stmt> connects;
  source_span span;
};

struct deploy_stmt {
  std::string alias;
  bool has_from = false;
  mod_target from;
  std::vector<with_entry> with;
  source_span span;
};

/// One parsed file: a troy deployment, a `.tremor` module, or a script body.
struct module_ast {
  std::shared_ptr<const source_file> file;
  scope_items items;
  std::vector<deploy_stmt> deploys;
  std::vector<with_entry> config; ///< leading `#!config`
  std::vector<expr_ptr> body;     ///< top-level expressions (scripts)
};

} // namespace temblor::dsl
