#pragma once

// Deterministic random values for codec round-trip tests.

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/value.hpp"

namespace temblor::test {

// Random values of every kind, with a fixed seed so failures reproduce;
// bytes only when asked, since JSON gives them back as arrays.
struct value_generator {
  bool with_bytes = false;
  std::mt19937_64 rng;

  explicit value_generator(uint64_t seed) : rng(seed) {}

  size_t below(size_t n) { return static_cast<size_t>(rng() % n); }

  std::string text() {
    static const std::vector<std::string> pieces = {
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", "\x01", "\x1f",
        "\x7f", "é", "€", "𝄞", "日本", "key", "{", "}", "[", "]", ",", ":", "\\u0041"};
    std::string s;
    size_t n = below(12);
    for (size_t i = 0; i < n; ++i)
      s += pieces[below(pieces.size())];
    return s;
  }

  double real() {
    switch (below(6)) {
      case 0: return 0.5;
      case 1: return static_cast<double>(static_cast<int64_t>(rng() >> 12)) / 1024.0;
      case 2: return -1e300 * static_cast<double>(below(100) + 1) / 100.0;
      case 3: return 1e-300 / static_cast<double>(below(1000) + 1);
      case 4: return static_cast<double>(below(1000000)); // integral floats: "42.0"
      default: {
        // Any finite bit pattern.
        for (;;) {
          uint64_t bits = rng();
          double d;
          std::memcpy(&d, &bits, sizeof d);
          if (std::isfinite(d))
            return d;
        }
      }
    }
  }

  value make(int depth) {
    size_t k = below(depth > 4 ? 7 : 9);
    switch (k) {
      case 0: return value{};
      case 1: return value{below(2) == 0};
      case 2: return value{static_cast<long long>(rng())};
      case 3: return value{static_cast<unsigned long long>(rng())};
      case 4: return value{static_cast<long long>(below(2000)) - 1000};
      case 5: return value{real()};
      case 6:
        if (with_bytes && below(4) == 0)
          return value{bytes{text()}};
        return value{text()};
      case 7: {
        array a;
        size_t n = below(6);
        for (size_t i = 0; i < n; ++i)
          a.push_back(make(depth + 1));
        return value{std::move(a)};
      }
      default: {
        record r;
        size_t n = below(6);
        for (size_t i = 0; i < n; ++i)
          r.set(text(), make(depth + 1));
        return value{std::move(r)};
      }
    }
  }
};

// Applies one to three random edits (replace, erase, insert) to `text`,
// inserting bytes from `specials`: broken documents for decoder tests.
inline void mutate(std::string& text, std::mt19937_64& rng, std::string_view specials) {
  size_t edits = 1 + rng() % 3;
  for (size_t e = 0; e < edits && !text.empty(); ++e) {
    size_t at = rng() % text.size();
    switch (rng() % 3) {
      case 0: text[at] = specials[rng() % specials.size()]; break;
      case 1: text.erase(at, 1 + rng() % 4); break;
      default: text.insert(at, 1, specials[rng() % specials.size()]); break;
    }
  }
}

// Exact structural equality: operator== treats 1 and 1.0 as different kinds
// already, and record order matters for the unsorted mode.
inline bool same(const value& a, const value& b) {
  if (a.kind() != b.kind())
    return false;
  if (a.is_record()) {
    const auto& ra = a.as_record().entries();
    const auto& rb = b.as_record().entries();
    if (ra.size() != rb.size())
      return false;
    for (size_t i = 0; i < ra.size(); ++i)
      if (ra[i].first != rb[i].first || !same(ra[i].second, rb[i].second))
        return false;
    return true;
  }
  if (a.is_array()) {
    const auto& xa = a.as_array();
    const auto& xb = b.as_array();
    if (xa.size() != xb.size())
      return false;
    for (size_t i = 0; i < xa.size(); ++i)
      if (!same(xa[i], xb[i]))
        return false;
    return true;
  }
  if (a.is_float()) {
    double x = a.as_f64_unchecked(), y = b.as_f64_unchecked();
    return std::memcmp(&x, &y, sizeof x) == 0 || x == y;
  }
  return a == b;
}


} // namespace temblor::test
