#include "codecs/utf8.hpp"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace temblor::codecs {

bool utf8_valid(std::string_view s) {
#if defined(__SSE2__)
  // Short ASCII strings (keys, enum-like values) are the common case: test
  // them padded in one block.
  if (s.size() < 16) {
    alignas(16) char block[16] = {};
    std::memcpy(block, s.data(), s.size());
    if (_mm_movemask_epi8(_mm_load_si128(reinterpret_cast<const __m128i*>(block))) == 0)
      return true;
  }
#endif
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // Most event text is ASCII: skip whole blocks while no high bit is set.
#if defined(__SSE2__)
    while (end - p >= 16
           && _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))) == 0)
      p += 16;
#endif
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if (word & 0x8080808080808080ull)
        break;
      p += 8;
    }
    if (p == end)
      break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // Table 3-7 of the Unicode standard: the second byte's range depends on
    // the lead byte, which is what excludes overlongs and surrogates.
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) <= n)
      return false;
    if (p[1] < lo || p[1] > hi)
      return false;
    for (size_t i = 2; i <= n; ++i)
      if ((p[i] & 0xC0) != 0x80)
        return false;
    p += n + 1;
  }
  return true;
}

} // namespace temblor::codecs
