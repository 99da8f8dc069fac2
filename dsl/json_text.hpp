#pragma once

// JSON text for the language: string interpolation, group keys, std::json,
// and error rendering, in the json codec's layout (the codec does the work).

#include <string>
#include <string_view>

#include "runtime/core/value.hpp"

namespace temblor::dsl {

/// Appends `v` as compact JSON; `sorted` orders record keys. A value nested
/// deeper than JSON allows (codecs::json_max_depth) is written as `null`.
void write_json(const value& v, std::string& out, bool sorted = false);
std::string to_json(const value& v, bool sorted = false);
/// Returns `v` as JSON indented by two spaces per level (`json::encode_pretty`).
std::string to_json_pretty(const value& v);

/// Formats a float the way Tremor prints it: `42.0`, `0.5`, `1e20`.
std::string format_float(double d);

/// Parses JSON text (nesting bounded); false with a message on error.
bool from_json(std::string_view text, value& out, std::string& err);

} // namespace temblor::dsl
