#pragma once

#include <string_view>

namespace temblor::harness {

/// Matches a `/`-separated relative path against a glob as meta.yaml's
/// `includes` uses it: `*` and `?` stay within one path segment, `**` spans
/// segments, `[abc]`/`[a-z]`/`[!x]` are character classes.
bool glob_match(std::string_view pattern, std::string_view path);

} // namespace temblor::harness
