#pragma once

// Extractors used in match patterns (`~ dissect|…|`, `k ~= re|…|`).

#include <string>

#include "dsl/ast.hpp"

namespace temblor::dsl {

/// Prepares `p` (an extractor pattern) once at load time; false with a
/// message when the extractor is unknown or its body invalid.
bool compile_extractor(pattern& p, std::string& err);

/// Runs the compiled extractor on `in`. Returns false when it does not
/// match; `out` receives the extracted value otherwise.
bool run_extractor(const pattern& p, const value& in, value& out);

} // namespace temblor::dsl
