#include "codecs/utf8.hpp"

#include <cstdint>
#include <cstring>

#include "runtime/core/utf8.hpp"

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
  const auto* begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* p = begin;
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
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t bad = 0;
    size_t n = utf8_sequence_length(s, static_cast<size_t>(p - begin), bad);
    if (n == 0)
      return false;
    p += n;
  }
  return true;
}

} // namespace temblor::codecs
