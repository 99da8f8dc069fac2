#pragma once

// `temblor dbg dot|ast|lex|src FILE`: what the loader makes of a file, for
// people writing flows: the flow graph (dot), the resolved deployment (ast),
// the tokens (lex), the source with line numbers (src).

#include <string>

namespace temblor::devtools {

/// Prints `what` for `file` to stdout; returns the exit status (errors go
/// to stderr with file:line:col).
int run_dbg(const std::string& what, const std::string& file);

} // namespace temblor::devtools
