#pragma once

// Helpers shared by the DSL tests: load troy text, compile a pipeline body,
// evaluate a script.

#include <memory>
#include <string>

#include "dsl/binder.hpp"
#include "dsl/deployment.hpp"
#include "dsl/interpreter.hpp"
#include "dsl/parser.hpp"
#include "dsl/pipeline_program.hpp"
#include "dsl/pipeline_runner.hpp"

namespace temblor::dsl::test {

struct loaded {
  deployment dep;
  diagnostics diags;
  bool ok = false;
};

inline std::unique_ptr<loaded> load(const std::string& troy, load_options opts = {}) {
  auto l = std::make_unique<loaded>();
  l->ok = load_troy_source("test.troy", troy, opts, l->dep, l->diags);
  return l;
}

/// Wraps `define pipeline p <header> pipeline <body> end` in a deployed flow
/// and returns its program (nullptr on a load error, with `errors` set).
inline std::shared_ptr<const pipeline_program>
compile(const std::string& body, std::string* errors = nullptr, const std::string& header = "",
        const std::string& create_with = "") {
  std::string troy = "define flow f\nflow\n  define pipeline p " + header + "\n  pipeline\n" +
                     body + "\n  end;\n  create pipeline p" + create_with +
                     ";\nend;\ndeploy flow f;\n";
  auto l = load(troy);
  if (errors)
    *errors = l->diags.render();
  if (!l->ok || l->dep.flows.empty() || l->dep.flows[0].pipelines.empty())
    return nullptr;
  return l->dep.flows[0].pipelines[0].program;
}

inline event make_event(value payload, value meta = value(record{})) {
  event e;
  e.payload = std::move(payload);
  e.meta = std::move(meta);
  return e;
}

/// Parses `src` as a tremor-script, binds it, and runs it on `ev`. Returns
/// the result, or "ERROR: <message>" as a string value on failure.
struct script_result {
  status st = status::ok;
  value result;
  std::string error;
  std::string port;
};

inline script_result run_script(const std::string& src, value ev = value(record{}),
                                value meta = value(record{})) {
  script_result r;
  auto file = std::make_shared<source_file>(source_file{"script.tremor", src});
  diagnostics diags;
  bool ok = true;
  auto ast = parse(file, parse_mode::script, diags, ok);
  if (!ok) {
    r.st = status::error;
    r.error = diags.render();
    return r;
  }
  static std::vector<std::unique_ptr<module_ast>> keep; // scopes point into trees
  module_loader loader({}, diags);
  scope* s = loader.make_scope(ast->items, nullptr);
  for (auto& e : ast->body)
    bind_expr(*e, *s, diags);
  if (diags.has_errors()) {
    r.st = status::error;
    r.error = diags.render();
    return r;
  }
  eval_ctx c;
  value state;
  value args{record{}};
  c.event = &ev;
  c.meta = &meta;
  c.state = &state;
  c.args = &args;
  r.st = eval_block(ast->body, c, r.result);
  if (r.st == status::error)
    r.error = c.err.message;
  if (r.st == status::emit) {
    r.result = c.emitted;
    r.port = c.emit_port;
  }
  keep.push_back(std::move(ast));
  return r;
}

} // namespace temblor::dsl::test
