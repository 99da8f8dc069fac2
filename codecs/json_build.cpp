#include "codecs/json_build.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <unordered_set>

namespace temblor::codecs {

// std::from_chars rounds correctly; RapidJSON 1.1.0's own conversion reads a
// zero with a large negative exponent ("0e-296") as 1.2e195 (its DiyFp
// normalises a zero significand with clz(0)), so numbers come as text.
bool json_number_value(std::string_view text, value& out) {
  const char* s = text.data();
  const char* end = s + text.size();
  bool integral = std::none_of(s, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; });
  if (integral) {
    int64_t i = 0;
    if (std::from_chars(s, end, i).ec == std::errc{}) {
      out = value{static_cast<long long>(i)};
      return true;
    }
    uint64_t u = 0;
    if (*s != '-' && std::from_chars(s, end, u).ec == std::errc{}) {
      out = value{static_cast<unsigned long long>(u)};
      return true;
    }
  }
  double d = 0;
  if (std::from_chars(s, end, d).ec == std::errc::result_out_of_range) {
    // Below the smallest subnormal it is a (signed) zero, as strtod says;
    // past the largest double it is not a number JSON can carry here.
    d = std::strtod(std::string(text).c_str(), nullptr);
    if (std::isinf(d))
      return false;
  }
  out = value{d};
  return true;
}

// Objects rarely have duplicates, so the common path only looks.
void json_dedupe_keys(record& r) {
  size_t n = r.size();
  if (n < 2)
    return;
  const auto& es = r.entries();
  bool dup = false;
  if (n <= 24) {
    for (size_t i = 1; i < n && !dup; ++i)
      for (size_t j = 0; j < i && !dup; ++j)
        dup = es[i].first == es[j].first;
  } else {
    std::unordered_set<std::string_view> seen;
    seen.reserve(n);
    for (const auto& e : es)
      if (!seen.insert(e.first).second) {
        dup = true;
        break;
      }
  }
  if (!dup)
    return;
  record out;
  out.reserve(n);
  for (auto& e : r)
    out.set(std::move(e.first), std::move(e.second));
  r = std::move(out);
}

} // namespace temblor::codecs
