#pragma once

// The bytes a JSON string cannot hold as they are: '"', '\\' and control
// bytes below 0x20. The writer (what to escape) and the direct reader (where
// a plain run ends) both look for them 16 bytes at a time.

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace temblor::codecs {

#if defined(__SSE2__)
/// Returns a mask with bit i set when byte i of the 16 at `p` is special;
/// `high` gets bit i set when byte i is >= 0x80 (not ASCII).
inline unsigned json_special_mask16(const char* p, unsigned& high) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  __m128i slash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // Unsigned v <= 0x1F  <=>  max(v, 0x1F) == 0x1F.
  __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  high = static_cast<unsigned>(_mm_movemask_epi8(v));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, slash), control)));
}
#endif

} // namespace temblor::codecs
