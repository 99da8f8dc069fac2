#pragma once

// The one definition of a well-formed UTF-8 sequence, shared by the codecs'
// validator and the script's character-wise string functions.

#include <cstddef>
#include <string_view>

namespace temblor {

/// Returns the length of the well-formed UTF-8 sequence at s[i] (Unicode's
/// table 3-7: no overlongs, surrogates or values past U+10FFFF), or 0 when
/// there is none; then `bad` is the length of the maximal ill-formed
/// subpart (what Rust's from_utf8_lossy replaces by a single U+FFFD).
inline size_t utf8_sequence_length(std::string_view s, size_t i, size_t& bad) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  bad = 1;
  if (c < 0x80)
    return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    if (i + k >= s.size())
      return 0;
    unsigned char x = byte(i + k);
    if (x < (k == 1 ? lo : 0x80) || x > (k == 1 ? hi : 0xBF))
      return 0;
    bad = k + 1;
  }
  return len;
}

} // namespace temblor
