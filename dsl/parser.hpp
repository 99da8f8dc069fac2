#pragma once

// Recursive-descent parser for troy, `.tremor` modules, scripts and queries.
// Syntax errors go to `diagnostics`; the parser recovers at `;` so a user
// sees more than one. Nesting is bounded (max_nesting) so hostile input ends
// in an error instead of a stack overflow.

#include <memory>
#include <string>

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"

namespace temblor::dsl {

enum class parse_mode {
  troy,   ///< define flow / deploy flow / use
  module, ///< a `.tremor` / `.trickle` module: definitions, consts, fns
  script, ///< tremor-script top-level expressions (`.tremor` run as a script)
  query,  ///< trickle pipeline statements at top level
};

/// The deepest expression/pattern nesting the parser accepts.
constexpr int max_nesting = 256;

/// Parses `file` in `mode`. Returns the tree (possibly partial) and false
/// through `ok` when any error was reported.
std::unique_ptr<module_ast> parse(std::shared_ptr<const source_file> file, parse_mode mode,
                                  diagnostics& diags, bool& ok);

/// Parses `file` as a trickle query into a pipeline definition named `name`.
std::shared_ptr<pipeline_def> parse_query(std::shared_ptr<const source_file> file,
                                          const std::string& name, diagnostics& diags, bool& ok);

} // namespace temblor::dsl
