#pragma once

// Loads a `.trickle` query or a `.tremor` script on its own, for
// `temblor run FILE.trickle|FILE.tremor` (Tremor's way to try a query or a
// script on a file of events). Both become a pipeline_program that
// make_pipeline_runner() executes: a query keeps its own ports; a script
// becomes `in -> script -> out` with script errors on `err` and
// `emit … => "port"` on that port.

#include <memory>
#include <string>

#include "dsl/deployment.hpp"

namespace temblor::dsl {

/// Parses and compiles a trickle query. Returns nullptr when `diags` got
/// errors.
std::shared_ptr<const pipeline_program> load_query_source(const std::string& name,
                                                          std::string text,
                                                          const load_options& options,
                                                          diagnostics& diags);
std::shared_ptr<const pipeline_program> load_query_file(const std::string& path,
                                                        const load_options& options,
                                                        diagnostics& diags);

/// Parses and compiles a tremor-script into a one-script pipeline.
std::shared_ptr<const pipeline_program> load_script_source(const std::string& name,
                                                           std::string text,
                                                           const load_options& options,
                                                           diagnostics& diags);
std::shared_ptr<const pipeline_program> load_script_file(const std::string& path,
                                                         const load_options& options,
                                                         diagnostics& diags);

} // namespace temblor::dsl
