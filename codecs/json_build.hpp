#pragma once

// What both JSON decoders (the direct reader and the RapidJSON path) share
// when they build values, so they cannot disagree on a number or on
// duplicate keys.

#include <string_view>

#include "runtime/core/value.hpp"

namespace temblor::codecs {

/// Stores the text of a JSON number (already checked against JSON's grammar)
/// as the json codec does: i64, else u64 (integers above i64's range), else
/// f64, correctly rounded. Returns false when it is past the largest double.
bool json_number_value(std::string_view text, value& out);

/// Makes duplicate keys keep the last value at the first key's position, as
/// Tremor's map insert does.
void json_dedupe_keys(record& r);

} // namespace temblor::codecs
