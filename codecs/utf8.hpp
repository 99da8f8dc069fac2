#pragma once

// UTF-8 validation shared by the json and string codecs.

#include <string_view>

namespace temblor::codecs {

/// Returns whether `s` is well-formed UTF-8 (RFC 3629): no overlong forms,
/// no surrogates (U+D800..U+DFFF), nothing above U+10FFFF. Codecs call it on
/// every decoded string, so ASCII runs take a word-at-a-time fast path.
bool utf8_valid(std::string_view s);

} // namespace temblor::codecs
