#pragma once

// A stable text dump of a resolved deployment, for golden tests and
// debugging (`temblor dbg`-style output).

#include <string>

#include "dsl/deployment.hpp"

namespace temblor::dsl {

/// Returns one line per flow, connector, pipeline node, select and
/// connection; `with` values print as sorted JSON.
std::string dump_deployment(const deployment& d);

} // namespace temblor::dsl
