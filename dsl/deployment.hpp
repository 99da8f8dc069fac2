#pragma once

// What the DSL hands to the runtime: fully resolved flow instances, with
// connector configs constant-folded into values and pipelines compiled.
// The runtime never sees the AST.

#include <memory>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "runtime/core/value.hpp"

namespace temblor::dsl {

class pipeline_program; // compiled query; see dsl/pipeline_runner.hpp

struct connector_instance {
  std::string alias;     ///< the `create` alias
  std::string type;      ///< the connector type named in `define connector … from <type>`
  source_span type_span; ///< where <type> was written, for "Unknown connector type"
  source_span span;      ///< the create statement (or the define, for errors in `with`)
  /// The evaluated `with` record: `codec`, `config`, `preprocessors`,
  /// `postprocessors`, `reconnect`, `metrics_interval_s` (each optional).
  value with;
};

struct pipeline_instance {
  std::string alias;
  std::shared_ptr<const pipeline_program> program;
  std::vector<std::string> in_ports;  ///< the pipeline's `from` ports (default: in)
  std::vector<std::string> out_ports; ///< the pipeline's `into` ports (default: out, err)
  source_span span;
};

struct endpoint {
  enum class kind { connector, pipeline } node = kind::connector;
  std::string alias;
  std::string port; ///< already defaulted: `out` as source, `in` as target
  source_span span;
};

struct connection {
  endpoint from;
  endpoint to;
};

struct flow_instance {
  std::string alias; ///< the deploy alias; runtime names are `flow::instance`
  std::vector<connector_instance> connectors;
  std::vector<pipeline_instance> pipelines;
  std::vector<connection> connections;
  source_span span;
};

struct deployment {
  std::vector<flow_instance> flows; ///< in file order, then argument order
};

struct load_options {
  /// Directories searched for `use a::b` (TREMOR_PATH order). The stdlib that
  /// ships inside the binary is always searched last.
  std::vector<std::string> module_path;
};

/// Returns the module path from TREMOR_PATH (relative entries made absolute,
/// missing directories dropped).
std::vector<std::string> module_path_from_env();

/// Parses and resolves one `.troy` file, appending its deployed flows to
/// `out`. Every error goes to `diags`; returns false if any was an error.
bool load_troy_file(const std::string& path, const load_options& options, deployment& out,
                    diagnostics& diags);
/// Same, for source text already in memory (tests, stdin).
bool load_troy_source(const std::string& name, std::string text, const load_options& options,
                      deployment& out, diagnostics& diags);

} // namespace temblor::dsl
