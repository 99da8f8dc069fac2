#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace temblor {

/// Returns the candidate closest to `wanted` by edit distance, or "" when none
/// is close enough to be a plausible typo. Used for "did you mean" hints.
std::string closest_name(std::string_view wanted, const std::vector<std::string>& candidates);

/// Formats the "did you mean `x`? available: a, b, c" tail of an unknown-name error.
std::string unknown_name_hint(std::string_view wanted, const std::vector<std::string>& candidates);

} // namespace temblor
