#pragma once

// The text of a scalar config or metadata value, as HTTP headers and
// librdkafka properties take it.

#include <string>

#include "runtime/core/value.hpp"

namespace temblor::connectors::common {

/// Writes a string as is, an integer or float in decimal, a bool as
/// `true`/`false`; false (and `out` untouched) for anything else.
bool scalar_text(const value& v, std::string& out);

} // namespace temblor::connectors::common
