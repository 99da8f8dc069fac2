#include "dsl/intrinsics.hpp"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <climits>
#include <cstring>
#include <unistd.h>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <memory>
#include <random>
#include <unordered_map>
#include <clocale>
#include <cwctype>
#include <string_view>
#include <locale.h>
#include <wctype.h>

#include "dsl/chrono_time.hpp"
#include "dsl/interpreter.hpp"
#include "dsl/json_text.hpp"
#include "dsl/regex.hpp"
#include "dsl/utf8_encode.hpp"
#include "runtime/core/event.hpp"
#include "runtime/core/utf8.hpp"

namespace temblor::dsl {

namespace {

// 128-bit intermediates make overflow checks on i64/u64 arithmetic exact.
__extension__ typedef __int128 i128;

#define TEMBLOR_NATIVE(fname)                                                                              \
  bool fname([[maybe_unused]] const value* a, [[maybe_unused]] size_t n,                           \
             [[maybe_unused]] value& out, [[maybe_unused]] std::string& err)

// An empty error means "bad type": the caller renders Tremor's text for
// it, "Bad type passed to function string::len/1", which names no types.
bool type_err(std::string& err, const char*, const char*, const value&) {
  err.clear();
  return false;
}

#define TEMBLOR_WANT_STR(i, fn)                                                                            \
  if (!a[i].get_text())                                                                            \
    return type_err(err, fn, "a string", a[i]);                                                    \
  const std::string& s##i = *a[i].get_text();

#define TEMBLOR_WANT_INT(idx, fn)                                                                          \
  int64_t i##idx = 0;                                                                              \
  if (!a[idx].get_i64(i##idx))                                                                     \
    return type_err(err, fn, "an integer", a[idx]);

#define TEMBLOR_WANT_NUM(i, fn)                                                                            \
  double f##i = 0;                                                                                 \
  if (!a[i].get_f64(f##i))                                                                         \
    return type_err(err, fn, "a number", a[i]);

#define TEMBLOR_WANT_ARR(i, fn)                                                                            \
  if (!a[i].is_array())                                                                            \
    return type_err(err, fn, "an array", a[i]);                                                    \
  const array& arr##i = a[i].as_array();

#define TEMBLOR_WANT_REC(i, fn)                                                                            \
  if (!a[i].is_record())                                                                           \
    return type_err(err, fn, "a record", a[i]);                                                    \
  const record& rec##i = a[i].as_record();

// -- std::time::nanos -------------------------------------------------------

bool scale(const value& v, int64_t factor, value& out, std::string& err, const char* fn) {
  int64_t i = 0;
  uint64_t u = 0;
  if (v.get_i64(i)) {
    i128 r = static_cast<i128>(i) * factor;
    if (r > INT64_MAX || r < INT64_MIN) {
      err = "Arithmetic overflow";
      return false;
    }
    out = value(static_cast<long long>(r));
    return true;
  }
  if (v.get_u64(u)) {
    i128 r = static_cast<i128>(u) * factor;
    if (r > static_cast<i128>(UINT64_MAX)) {
      err = "Arithmetic overflow";
      return false;
    }
    out = value(static_cast<unsigned long long>(r));
    return true;
  }
  double d = 0;
  if (v.get_f64(d)) {
    out = value(static_cast<long long>(d * static_cast<double>(factor)));
    return true;
  }
  return type_err(err, fn, "a number", v);
}

TEMBLOR_NATIVE(nanos_from_nanos) { return scale(a[0], 1, out, err, "nanos::from_nanos"); }
TEMBLOR_NATIVE(nanos_from_micros) { return scale(a[0], 1000, out, err, "nanos::from_micros"); }
TEMBLOR_NATIVE(nanos_from_millis) { return scale(a[0], 1000000, out, err, "nanos::from_millis"); }
TEMBLOR_NATIVE(nanos_from_seconds) { return scale(a[0], 1000000000LL, out, err, "nanos::from_seconds"); }
TEMBLOR_NATIVE(nanos_from_minutes) { return scale(a[0], 60LL * 1000000000LL, out, err, "nanos::from_minutes"); }
TEMBLOR_NATIVE(nanos_from_hours) { return scale(a[0], 3600LL * 1000000000LL, out, err, "nanos::from_hours"); }
TEMBLOR_NATIVE(nanos_from_days) { return scale(a[0], 86400LL * 1000000000LL, out, err, "nanos::from_days"); }

// -- std::string --------------------------------------------------------------

TEMBLOR_NATIVE(string_len) {
  TEMBLOR_WANT_STR(0, "string::len");
  // Tremor counts characters, not bytes.
  size_t count = 0;
  for (unsigned char c : s0)
    if ((c & 0xC0) != 0x80)
      ++count;
  out = value(static_cast<unsigned long long>(count));
  return true;
}
TEMBLOR_NATIVE(string_bytes) {
  TEMBLOR_WANT_STR(0, "string::bytes");
  out = value(static_cast<unsigned long long>(s0.size()));
  return true;
}
// -- UTF-8 ------------------------------------------------------------------------
// Tremor's strings are Rust `str`s: lengths, indices, reversal and case
// work on Unicode scalar values, never on bytes.

// Decodes the character at s[i] and advances `i` past it. A stray byte (not
// expected in a script string) decodes as U+FFFD and is stepped over alone.
uint32_t utf8_next(std::string_view s, size_t& i) {
  size_t bad = 0;
  size_t len = utf8_sequence_length(s, i, bad);
  if (len == 0) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = len == 1 ? static_cast<unsigned char>(s[i])
              : len == 2 ? static_cast<unsigned char>(s[i]) & 0x1Fu
              : len == 3 ? static_cast<unsigned char>(s[i]) & 0x0Fu
                         : static_cast<unsigned char>(s[i]) & 0x07u;
  for (size_t k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += len;
  return cp;
}

// Byte length of the character at s[i], stray bytes counting one.
size_t utf8_len_at(std::string_view s, size_t i) {
  size_t bad = 0;
  size_t len = utf8_sequence_length(s, i, bad);
  return len == 0 ? 1 : len;
}

// Simple (one-to-one) case mappings from the C.UTF-8 locale. Rust's
// to_uppercase/to_lowercase also apply the special mappings that change
// the length (ß → SS, ŉ → ʼN, final sigma); those are not done here.
locale_t utf8_ctype() {
  static locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  return l;
}
uint32_t map_case(uint32_t cp, bool upper) {
  if (cp < 0x80)
    return static_cast<uint32_t>(upper ? std::toupper(static_cast<int>(cp)) : std::tolower(static_cast<int>(cp)));
  locale_t l = utf8_ctype();
  if (!l)
    return cp;
  wint_t r = upper ? towupper_l(static_cast<wint_t>(cp), l) : towlower_l(static_cast<wint_t>(cp), l);
  return static_cast<uint32_t>(r);
}
std::string map_case_all(std::string_view s, bool upper) {
  std::string r;
  r.reserve(s.size());
  for (size_t i = 0; i < s.size();)
    append_utf8(r, map_case(utf8_next(s, i), upper));
  return r;
}

// Unicode's White_Space property, which Rust's str::trim uses.
bool is_white_space(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}
// Byte offset of the first character that is not white space.
size_t trim_start_at(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t at = i;
    if (!is_white_space(utf8_next(s, i)))
      return at;
  }
  return s.size();
}
// Byte offset just past the last character that is not white space.
size_t trim_end_at(std::string_view s) {
  size_t end = 0;
  for (size_t i = 0; i < s.size();)
    if (!is_white_space(utf8_next(s, i)))
      end = i;
  return end;
}

TEMBLOR_NATIVE(string_lowercase) {
  TEMBLOR_WANT_STR(0, "string::lowercase");
  out = value(map_case_all(s0, false));
  return true;
}
TEMBLOR_NATIVE(string_uppercase) {
  TEMBLOR_WANT_STR(0, "string::uppercase");
  out = value(map_case_all(s0, true));
  return true;
}
TEMBLOR_NATIVE(string_capitalize) {
  TEMBLOR_WANT_STR(0, "string::capitalize");
  std::string r;
  size_t i = 0;
  if (!s0.empty())
    append_utf8(r, map_case(utf8_next(s0, i), true));
  r.append(s0, i, std::string::npos);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(string_trim) {
  TEMBLOR_WANT_STR(0, "string::trim");
  size_t b = trim_start_at(s0);
  size_t e = b + trim_end_at(std::string_view(s0).substr(b));
  out = value(s0.substr(b, e - b));
  return true;
}
TEMBLOR_NATIVE(string_trim_start) {
  TEMBLOR_WANT_STR(0, "string::trim_start");
  out = value(s0.substr(trim_start_at(s0)));
  return true;
}
TEMBLOR_NATIVE(string_trim_end) {
  TEMBLOR_WANT_STR(0, "string::trim_end");
  out = value(s0.substr(0, trim_end_at(s0)));
  return true;
}
TEMBLOR_NATIVE(string_contains) {
  TEMBLOR_WANT_STR(0, "string::contains");
  TEMBLOR_WANT_STR(1, "string::contains");
  out = value(s0.find(s1) != std::string::npos);
  return true;
}
TEMBLOR_NATIVE(string_starts_with) {
  TEMBLOR_WANT_STR(0, "string::starts_with");
  TEMBLOR_WANT_STR(1, "string::starts_with");
  out = value(s0.rfind(s1, 0) == 0);
  return true;
}
TEMBLOR_NATIVE(string_ends_with) {
  TEMBLOR_WANT_STR(0, "string::ends_with");
  TEMBLOR_WANT_STR(1, "string::ends_with");
  out = value(s0.size() >= s1.size() && s0.compare(s0.size() - s1.size(), s1.size(), s1) == 0);
  return true;
}
TEMBLOR_NATIVE(string_split) {
  TEMBLOR_WANT_STR(0, "string::split");
  TEMBLOR_WANT_STR(1, "string::split");
  array r;
  if (s1.empty()) {
    // Rust's split("") matches at every character boundary, both ends included.
    r.push_back(value(std::string()));
    for (size_t i = 0; i < s0.size();) {
      size_t len = utf8_len_at(s0, i);
      r.push_back(value(s0.substr(i, len)));
      i += len;
    }
    r.push_back(value(std::string()));
  } else {
    size_t start = 0;
    while (true) {
      size_t p = s0.find(s1, start);
      r.push_back(value(s0.substr(start, p == std::string::npos ? std::string::npos : p - start)));
      if (p == std::string::npos)
        break;
      start = p + s1.size();
    }
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(string_replace) {
  TEMBLOR_WANT_STR(0, "string::replace");
  TEMBLOR_WANT_STR(1, "string::replace");
  TEMBLOR_WANT_STR(2, "string::replace");
  std::string r;
  if (s1.empty()) {
    // Rust's replace("", x) inserts x at every character boundary.
    r += s2;
    for (size_t i = 0; i < s0.size();) {
      size_t len = utf8_len_at(s0, i);
      r.append(s0, i, len);
      r += s2;
      i += len;
    }
    out = value(std::move(r));
    return true;
  }
  size_t start = 0;
  while (true) {
    size_t p = s0.find(s1, start);
    if (p == std::string::npos) {
      r += s0.substr(start);
      break;
    }
    r += s0.substr(start, p - start) + s2;
    start = p + s1.size();
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(string_reverse) {
  TEMBLOR_WANT_STR(0, "string::reverse");
  // By character, so multi-byte characters stay intact.
  std::string r(s0.size(), '\0');
  size_t w = s0.size();
  for (size_t i = 0; i < s0.size();) {
    size_t len = utf8_len_at(s0, i);
    w -= len;
    r.replace(w, len, s0, i, len);
    i += len;
  }
  out = value(std::move(r));
  return true;
}
// Indices count characters, as Tremor's substr does.
TEMBLOR_NATIVE(string_substr) {
  TEMBLOR_WANT_STR(0, "string::substr");
  TEMBLOR_WANT_INT(1, "string::substr");
  TEMBLOR_WANT_INT(2, "string::substr");
  std::vector<size_t> offsets; // byte offset of each character, then the end
  for (size_t i = 0; i < s0.size(); i += utf8_len_at(s0, i))
    offsets.push_back(i);
  offsets.push_back(s0.size());
  size_t chars = offsets.size() - 1;
  if (i1 < 0 || i2 < i1 || static_cast<uint64_t>(i2) > chars) {
    err = "string::substr: range out of bounds";
    return false;
  }
  size_t b = offsets[static_cast<size_t>(i1)], e = offsets[static_cast<size_t>(i2)];
  out = value(s0.substr(b, e - b));
  return true;
}
TEMBLOR_NATIVE(string_is_empty) {
  TEMBLOR_WANT_STR(0, "string::is_empty");
  out = value(s0.empty());
  return true;
}
TEMBLOR_NATIVE(string_into_binary) {
  TEMBLOR_WANT_STR(0, "string::into_binary");
  out = value(bytes{s0});
  return true;
}
TEMBLOR_NATIVE(string_from_utf8_lossy) {
  if (!a[0].get_text())
    return type_err(err, "string::from_utf8_lossy", "binary", a[0]);
  const std::string& s = *a[0].get_text();
  std::string r;
  r.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t bad = 0;
    size_t len = utf8_sequence_length(s, i, bad);
    if (len > 0) {
      r.append(s, i, len);
      i += len;
    } else {
      // One U+FFFD per maximal ill-formed subpart, as Rust's from_utf8_lossy.
      r += "\xEF\xBF\xBD";
      i += bad;
    }
  }
  out = value(std::move(r));
  return true;
}
// `{}` takes the next argument, `{{` and `}}` are literal braces; any other
// brace, too few or too many arguments is an error, as in Tremor. Positions
// in the messages count characters.
TEMBLOR_NATIVE(string_format) {
  TEMBLOR_WANT_STR(0, "string::format");
  std::string r;
  size_t next = 1;
  size_t pos = 0; // character index of s0[i]
  for (size_t i = 0; i < s0.size(); ++pos) {
    char c = s0[i];
    if (c == '{') {
      if (i + 1 < s0.size() && s0[i + 1] == '}') {
        if (next >= n) {
          err = "the arguments passed to the format function are less than the `{}` specifiers";
          return false;
        }
        if (a[next].is_string())
          r += a[next].as_string();
        else
          write_json(a[next], r);
        ++next;
      } else if (i + 1 < s0.size() && s0[i + 1] == '{') {
        r.push_back('{');
      } else {
        err = "the format specifier at " + std::to_string(pos) +
              " is invalid. If you want to use `{` as a literal value, you need to escape it with `{{`";
        return false;
      }
      i += 2;
      ++pos;
    } else if (c == '}') {
      if (i + 1 < s0.size() && s0[i + 1] == '}') {
        r.push_back('}');
      } else {
        err = "the format specifier at " + std::to_string(pos) +
              " is invalid. You have to terminate `}` with another `}` to escape it";
        return false;
      }
      i += 2;
      ++pos;
    } else {
      size_t len = utf8_len_at(s0, i);
      r.append(s0, i, len);
      i += len;
    }
  }
  if (next < n) {
    err = "too many parameters passed. Ensure that you have the same number of {} in your format string";
    return false;
  }
  out = value(std::move(r));
  return true;
}

// -- std::array ---------------------------------------------------------------

TEMBLOR_NATIVE(array_len) {
  TEMBLOR_WANT_ARR(0, "array::len");
  out = value(static_cast<unsigned long long>(arr0.size()));
  return true;
}
TEMBLOR_NATIVE(array_is_empty) {
  TEMBLOR_WANT_ARR(0, "array::is_empty");
  out = value(arr0.empty());
  return true;
}
TEMBLOR_NATIVE(array_contains) {
  TEMBLOR_WANT_ARR(0, "array::contains");
  out = value(std::any_of(arr0.begin(), arr0.end(), [&](const value& x) { return script_eq(x, a[1]); }));
  return true;
}
TEMBLOR_NATIVE(array_push) {
  TEMBLOR_WANT_ARR(0, "array::push");
  array r = arr0;
  r.push_back(a[1]);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_sort) {
  TEMBLOR_WANT_ARR(0, "array::sort");
  array r = arr0;
  std::stable_sort(r.begin(), r.end(), [](const value& x, const value& y) { return compare(x, y) < 0; });
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_reverse) {
  TEMBLOR_WANT_ARR(0, "array::reverse");
  out = value(array(arr0.rbegin(), arr0.rend()));
  return true;
}
void flatten_into(const array& in, array& out) {
  for (const auto& x : in) {
    if (x.is_array())
      flatten_into(x.as_array(), out);
    else
      out.push_back(x);
  }
}
TEMBLOR_NATIVE(array_flatten) {
  TEMBLOR_WANT_ARR(0, "array::flatten");
  array r;
  flatten_into(arr0, r);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_join) {
  TEMBLOR_WANT_ARR(0, "array::join");
  TEMBLOR_WANT_STR(1, "array::join");
  std::string r;
  for (size_t i = 0; i < arr0.size(); ++i) {
    if (i)
      r += s1;
    if (arr0[i].is_string())
      r += arr0[i].as_string();
    else
      write_json(arr0[i], r);
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_coalesce) {
  TEMBLOR_WANT_ARR(0, "array::coalesce");
  array r;
  for (const auto& x : arr0)
    if (!x.is_null())
      r.push_back(x);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_unzip) {
  TEMBLOR_WANT_ARR(0, "array::unzip");
  array l, r;
  for (const auto& x : arr0) {
    if (!x.is_array() || x.as_array().size() != 2) {
      err = "array::unzip: every element must be a pair";
      return false;
    }
    l.push_back(x.as_array()[0]);
    r.push_back(x.as_array()[1]);
  }
  out = value(array{value(std::move(l)), value(std::move(r))});
  return true;
}
TEMBLOR_NATIVE(array_zip) {
  TEMBLOR_WANT_ARR(0, "array::zip");
  TEMBLOR_WANT_ARR(1, "array::zip");
  if (arr0.size() != arr1.size()) {
    err = "array::zip: arrays have different lengths";
    return false;
  }
  array r;
  for (size_t i = 0; i < arr0.size(); ++i)
    r.push_back(value(array{arr0[i], arr1[i]}));
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_concatenate) {
  TEMBLOR_WANT_ARR(0, "array::concatenate");
  TEMBLOR_WANT_ARR(1, "array::concatenate");
  array r = arr0;
  r.insert(r.end(), arr1.begin(), arr1.end());
  out = value(std::move(r));
  return true;
}

// -- std::record --------------------------------------------------------------

TEMBLOR_NATIVE(record_len) {
  TEMBLOR_WANT_REC(0, "record::len");
  out = value(static_cast<unsigned long long>(rec0.size()));
  return true;
}
TEMBLOR_NATIVE(record_is_empty) {
  TEMBLOR_WANT_REC(0, "record::is_empty");
  out = value(rec0.empty());
  return true;
}
TEMBLOR_NATIVE(record_contains) {
  TEMBLOR_WANT_REC(0, "record::contains");
  TEMBLOR_WANT_STR(1, "record::contains");
  out = value(rec0.contains(s1));
  return true;
}
TEMBLOR_NATIVE(record_keys) {
  TEMBLOR_WANT_REC(0, "record::keys");
  array r;
  for (const auto& [k, v] : rec0)
    r.push_back(value(k));
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_values) {
  TEMBLOR_WANT_REC(0, "record::values");
  array r;
  for (const auto& [k, v] : rec0)
    r.push_back(v);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_to_array) {
  TEMBLOR_WANT_REC(0, "record::to_array");
  array r;
  for (const auto& [k, v] : rec0)
    r.push_back(value(array{value(k), v}));
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_from_array) {
  TEMBLOR_WANT_ARR(0, "record::from_array");
  record r;
  for (const auto& x : arr0) {
    if (!x.is_array() || x.as_array().size() != 2 || !x.as_array()[0].is_string()) {
      err = "record::from_array: every element must be a [key, value] pair";
      return false;
    }
    r.set(x.as_array()[0].as_string(), x.as_array()[1]);
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_select) {
  TEMBLOR_WANT_REC(0, "record::select");
  TEMBLOR_WANT_ARR(1, "record::select");
  record r;
  for (const auto& k : arr1)
    if (k.is_string())
      if (const value* v = rec0.find(k.as_string()))
        r.set(k.as_string(), *v);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_merge) {
  TEMBLOR_WANT_REC(0, "record::merge");
  TEMBLOR_WANT_REC(1, "record::merge");
  record r = rec0;
  for (const auto& [k, v] : rec1)
    r.set(k, v);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_rename) {
  TEMBLOR_WANT_REC(0, "record::rename");
  TEMBLOR_WANT_STR(1, "record::rename");
  TEMBLOR_WANT_STR(2, "record::rename");
  record r = rec0;
  if (const value* v = rec0.find(s1)) {
    value x = *v;
    r.erase(s1);
    r.set(s2, std::move(x));
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_extract) {
  return record_select(a, n, out, err);
}

// -- std::json ----------------------------------------------------------------

TEMBLOR_NATIVE(json_encode) {
  out = value(to_json(a[0]));
  return true;
}
TEMBLOR_NATIVE(json_encode_pretty) {
  out = value(to_json_pretty(a[0]));
  return true;
}
TEMBLOR_NATIVE(json_decode) {
  if (!a[0].get_text())
    return type_err(err, "json::decode", "a string", a[0]);
  std::string e;
  if (!from_json(*a[0].get_text(), out, e)) {
    err = "json::decode: " + e;
    return false;
  }
  return true;
}

// -- std::type ----------------------------------------------------------------

TEMBLOR_NATIVE(type_is_null) { out = value(a[0].is_null()); return true; }
TEMBLOR_NATIVE(type_is_bool) { out = value(a[0].is_bool()); return true; }
TEMBLOR_NATIVE(type_is_integer) { out = value(a[0].is_integer()); return true; }
TEMBLOR_NATIVE(type_is_float) { out = value(a[0].is_float()); return true; }
TEMBLOR_NATIVE(type_is_number) { out = value(a[0].is_number()); return true; }
TEMBLOR_NATIVE(type_is_string) { out = value(a[0].is_string()); return true; }
TEMBLOR_NATIVE(type_is_array) { out = value(a[0].is_array()); return true; }
TEMBLOR_NATIVE(type_is_record) { out = value(a[0].is_record()); return true; }
TEMBLOR_NATIVE(type_is_binary) { out = value(a[0].is_bytes()); return true; }
TEMBLOR_NATIVE(type_as_string) { out = value(type_name(a[0])); return true; }

// -- std::math / integer / float ------------------------------------------------

TEMBLOR_NATIVE(math_floor) {
  if (a[0].is_integer()) { out = a[0]; return true; }
  TEMBLOR_WANT_NUM(0, "math::floor");
  out = value(static_cast<long long>(std::floor(f0)));
  return true;
}
TEMBLOR_NATIVE(math_ceil) {
  if (a[0].is_integer()) { out = a[0]; return true; }
  TEMBLOR_WANT_NUM(0, "math::ceil");
  out = value(static_cast<long long>(std::ceil(f0)));
  return true;
}
TEMBLOR_NATIVE(math_round) {
  if (a[0].is_integer()) { out = a[0]; return true; }
  TEMBLOR_WANT_NUM(0, "math::round");
  out = value(static_cast<long long>(std::round(f0)));
  return true;
}
TEMBLOR_NATIVE(math_trunc) {
  if (a[0].is_integer()) { out = a[0]; return true; }
  TEMBLOR_WANT_NUM(0, "math::trunc");
  out = value(static_cast<long long>(std::trunc(f0)));
  return true;
}
TEMBLOR_NATIVE(math_max) {
  if (!a[0].is_number() || !a[1].is_number())
    return type_err(err, "math::max", "numbers", a[0].is_number() ? a[1] : a[0]);
  out = compare(a[0], a[1]) >= 0 ? a[0] : a[1];
  return true;
}
TEMBLOR_NATIVE(math_min) {
  if (!a[0].is_number() || !a[1].is_number())
    return type_err(err, "math::min", "numbers", a[0].is_number() ? a[1] : a[0]);
  out = compare(a[0], a[1]) <= 0 ? a[0] : a[1];
  return true;
}
TEMBLOR_NATIVE(integer_parse) {
  TEMBLOR_WANT_STR(0, "integer::parse");
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s0.c_str(), &end, 10);
  if (s0.empty() || *end != 0 || errno != 0) {
    err = "integer::parse: `" + s0 + "` is not an integer";
    return false;
  }
  out = value(v);
  return true;
}
TEMBLOR_NATIVE(float_parse) {
  TEMBLOR_WANT_STR(0, "float::parse");
  char* end = nullptr;
  double v = std::strtod(s0.c_str(), &end);
  if (s0.empty() || *end != 0) {
    err = "float::parse: `" + s0 + "` is not a float";
    return false;
  }
  out = value(v);
  return true;
}

// -- std::base64 / binary ---------------------------------------------------------

const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

TEMBLOR_NATIVE(base64_encode) {
  if (!a[0].get_text())
    return type_err(err, "base64::encode", "binary or string", a[0]);
  const std::string& s = *a[0].get_text();
  std::string r;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                 static_cast<unsigned char>(s[i + 2]);
    r += b64chars[(v >> 18) & 63];
    r += b64chars[(v >> 12) & 63];
    r += b64chars[(v >> 6) & 63];
    r += b64chars[v & 63];
  }
  if (i < s.size()) {
    uint32_t v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size())
      v |= static_cast<unsigned char>(s[i + 1]) << 8;
    r += b64chars[(v >> 18) & 63];
    r += b64chars[(v >> 12) & 63];
    r += i + 1 < s.size() ? b64chars[(v >> 6) & 63] : '=';
    r += '=';
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(base64_decode) {
  TEMBLOR_WANT_STR(0, "base64::decode");
  std::string r;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s0) {
    if (c == '=')
      break;
    const char* p = std::strchr(b64chars, c);
    if (!p || c == 0) {
      err = "base64::decode: invalid base64 input";
      return false;
    }
    acc = (acc << 6) | static_cast<uint32_t>(p - b64chars);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      r.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  out = value(bytes{std::move(r)});
  return true;
}
TEMBLOR_NATIVE(binary_len) {
  if (!a[0].is_bytes())
    return type_err(err, "binary::len", "binary", a[0]);
  out = value(static_cast<unsigned long long>(a[0].as_bytes().data.size()));
  return true;
}
TEMBLOR_NATIVE(binary_into_bytes) {
  if (!a[0].is_bytes())
    return type_err(err, "binary::into_bytes", "binary", a[0]);
  array r;
  for (unsigned char c : a[0].as_bytes().data)
    r.push_back(value(static_cast<int>(c)));
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(binary_from_bytes) {
  TEMBLOR_WANT_ARR(0, "binary::from_bytes");
  std::string r;
  for (const auto& x : arr0) {
    int64_t v = 0;
    if (!x.get_i64(v) || v < 0 || v > 255) {
      err = "binary::from_bytes: every element must be a byte";
      return false;
    }
    r.push_back(static_cast<char>(v));
  }
  out = value(bytes{std::move(r)});
  return true;
}

// -- std::path / size / range ----------------------------------------------------

TEMBLOR_NATIVE(path_try_default) {
  TEMBLOR_WANT_ARR(1, "path::try_default");
  const value* cur = &a[0];
  for (const auto& seg : arr1) {
    if (seg.is_string() && cur->is_record()) {
      cur = cur->as_record().find(seg.as_string());
    } else if (seg.is_integer() && cur->is_array()) {
      int64_t i = 0;
      seg.get_i64(i);
      cur = i >= 0 && static_cast<size_t>(i) < cur->as_array().size()
              ? &cur->as_array()[static_cast<size_t>(i)]
              : nullptr;
    } else {
      cur = nullptr;
    }
    if (!cur) {
      out = a[2];
      return true;
    }
  }
  out = *cur;
  return true;
}

bool size_unit(const value* a, value& out, std::string& err, long long factor, const char* fn) {
  int64_t v = 0;
  if (!a[0].get_i64(v))
    return type_err(err, fn, "an integer", a[0]);
  __extension__ __int128 r = static_cast<__int128>(v) * factor;
  if (r > INT64_MAX || r < INT64_MIN) {
    err = "Arithmetic overflow";
    return false;
  }
  out = value(static_cast<long long>(r));
  return true;
}
TEMBLOR_NATIVE(size_kb) { return size_unit(a, out, err, 1024LL, "size::kb"); }
TEMBLOR_NATIVE(size_mb) { return size_unit(a, out, err, 1024LL * 1024, "size::mb"); }
TEMBLOR_NATIVE(size_gb) { return size_unit(a, out, err, 1024LL * 1024 * 1024, "size::gb"); }
TEMBLOR_NATIVE(size_tb) { return size_unit(a, out, err, 1024LL * 1024 * 1024 * 1024, "size::tb"); }
TEMBLOR_NATIVE(size_pb) { return size_unit(a, out, err, 1024LL * 1024 * 1024 * 1024 * 1024, "size::pb"); }

TEMBLOR_NATIVE(range_range) {
  TEMBLOR_WANT_INT(0, "range::range");
  TEMBLOR_WANT_INT(1, "range::range");
  if (i1 - i0 > 10000000) {
    err = "range::range: range too large";
    return false;
  }
  array r;
  for (int64_t i = i0; i < i1; ++i)
    r.push_back(value(static_cast<long long>(i)));
  out = value(std::move(r));
  return true;
}

// -- tremor::system / random -------------------------------------------------------

TEMBLOR_NATIVE(system_nanotime) {
  out = value(static_cast<unsigned long long>(now_ns()));
  return true;
}
std::string& instance_name() {
  static std::string name = "tremor";
  return name;
}

TEMBLOR_NATIVE(system_instance) {
  out = value(instance_name());
  return true;
}
// Scripts compare this against Tremor releases, so it names the Tremor
// version whose behaviour Temblor reproduces, not Temblor's own.
TEMBLOR_NATIVE(system_version) {
  out = value("0.13.0-rc.33");
  return true;
}
TEMBLOR_NATIVE(system_hostname) {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0)
    buf[0] = 0;
  out = value(std::string(buf));
  return true;
}

std::mt19937_64& rng() {
  thread_local std::mt19937_64 g{std::random_device{}()};
  return g;
}
TEMBLOR_NATIVE(random_bool) {
  out = value((rng()() & 1) == 1);
  return true;
}
TEMBLOR_NATIVE(random_integer) {
  TEMBLOR_WANT_INT(0, "random::integer");
  TEMBLOR_WANT_INT(1, "random::integer");
  if (i1 <= i0) {
    err = "random::integer: empty range";
    return false;
  }
  std::uniform_int_distribution<int64_t> d(i0, i1 - 1);
  out = value(static_cast<long long>(d(rng())));
  return true;
}
TEMBLOR_NATIVE(random_float) {
  double lo = 0, hi = 1;
  if (n == 2) {
    TEMBLOR_WANT_NUM(0, "random::float");
    TEMBLOR_WANT_NUM(1, "random::float");
    lo = f0;
    hi = f1;
  }
  std::uniform_real_distribution<double> d(lo, hi);
  out = value(d(rng()));
  return true;
}
TEMBLOR_NATIVE(random_string) {
  TEMBLOR_WANT_INT(0, "random::string");
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string r;
  for (int64_t i = 0; i < i0; ++i)
    r.push_back(chars[rng()() % (sizeof(chars) - 1)]);
  out = value(std::move(r));
  return true;
}

// -- std::datetime (UTC) ------------------------------------------------------------

TEMBLOR_NATIVE(datetime_format) {
  TEMBLOR_WANT_INT(0, "datetime::format");
  TEMBLOR_WANT_STR(1, "datetime::format");
  std::string r, e;
  if (!chrono_time::format(i0, s1, r, e)) {
    err = "datetime::format: " + e;
    return false;
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(datetime_parse) {
  TEMBLOR_WANT_STR(0, "datetime::parse");
  TEMBLOR_WANT_STR(1, "datetime::parse");
  int64_t ns = 0;
  std::string e;
  if (!chrono_time::parse(s0, s1, ns, e)) {
    err = "datetime::parse: " + e;
    return false;
  }
  out = value(static_cast<long long>(ns));
  return true;
}
TEMBLOR_NATIVE(datetime_today) {
  (void)a;
  out = value(static_cast<unsigned long long>(now_ns() / 86400000000000ULL * 86400000000000ULL));
  return true;
}

bool datetime_tm(const value* a, struct tm& tm, int64_t& ns, std::string& err, const char* fn) {
  if (!a[0].get_i64(ns))
    return type_err(err, fn, "an integer (ns since the epoch)", a[0]);
  time_t secs = static_cast<time_t>(ns / 1000000000LL);
  if (ns < 0 && ns % 1000000000LL != 0)
    --secs;
  gmtime_r(&secs, &tm);
  return true;
}
#define TEMBLOR_DT_FIELD(fname, expr_)                                                                     \
  TEMBLOR_NATIVE(fname) {                                                                                  \
    struct tm tm {};                                                                               \
    int64_t ns = 0;                                                                                \
    if (!datetime_tm(a, tm, ns, err, #fname))                                                      \
      return false;                                                                                \
    out = value(static_cast<long long>(expr_));                                                    \
    return true;                                                                                   \
  }
int64_t sub_second(int64_t ns) { return ((ns % 1000000000LL) + 1000000000LL) % 1000000000LL; }
TEMBLOR_DT_FIELD(datetime_year, tm.tm_year + 1900)
TEMBLOR_DT_FIELD(datetime_month, tm.tm_mon + 1)
TEMBLOR_DT_FIELD(datetime_day, tm.tm_mday)
TEMBLOR_DT_FIELD(datetime_hour, tm.tm_hour)
TEMBLOR_DT_FIELD(datetime_minute, tm.tm_min)
TEMBLOR_DT_FIELD(datetime_second, tm.tm_sec)
TEMBLOR_DT_FIELD(datetime_millisecond, sub_second(ns) / 1000000)
TEMBLOR_DT_FIELD(datetime_microsecond, sub_second(ns) / 1000)
TEMBLOR_DT_FIELD(datetime_nanosecond, sub_second(ns))
// Rounds to the nearest multiple of `unit` ns, a half rounding up (later
// in time); `truncate` drops the remainder instead.
bool datetime_round(const value* a, value& out, std::string& err, const char* fn, int64_t unit, bool truncate) {
  int64_t ns = 0;
  if (!a[0].get_i64(ns))
    return type_err(err, fn, "an integer (ns since the epoch)", a[0]);
  int64_t rem = ((ns % unit) + unit) % unit;
  __extension__ __int128 r = static_cast<__int128>(ns) - rem;
  if (!truncate && rem * 2 >= unit)
    r += unit;
  if (r > INT64_MAX) {
    err = "Arithmetic overflow";
    return false;
  }
  out = value(static_cast<long long>(r));
  return true;
}
TEMBLOR_NATIVE(datetime_to_nearest_millisecond) {
  return datetime_round(a, out, err, "datetime::to_nearest_millisecond", 1000000LL, false);
}
TEMBLOR_NATIVE(datetime_to_nearest_microsecond) {
  return datetime_round(a, out, err, "datetime::to_nearest_microsecond", 1000LL, false);
}
TEMBLOR_NATIVE(datetime_to_nearest_second) {
  return datetime_round(a, out, err, "datetime::to_nearest_second", 1000000000LL, false);
}
TEMBLOR_NATIVE(datetime_without_subseconds) {
  return datetime_round(a, out, err, "datetime::without_subseconds", 1000000000LL, true);
}

// Tremor renders these with chrono's `to_rfc3339()` / `to_rfc2822()` on a
// UTC DateTime: an offset of +00:00 and only as many fraction digits (0, 3,
// 6 or 9) as the value needs.
bool datetime_fixed(const value* a, value& out, std::string& err, const char* fn, std::string_view fmt) {
  int64_t ns = 0;
  if (!a[0].get_i64(ns))
    return type_err(err, fn, "an integer (ns since the epoch)", a[0]);
  std::string r, e;
  if (!chrono_time::format(ns, fmt, r, e)) {
    err = std::string(fn) + ": " + e;
    return false;
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(datetime_iso8601) { return datetime_fixed(a, out, err, "datetime::iso8601", "%+"); }
TEMBLOR_NATIVE(datetime_rfc3339) { return datetime_fixed(a, out, err, "datetime::rfc3339", "%+"); }
TEMBLOR_NATIVE(datetime_rfc2822) {
  return datetime_fixed(a, out, err, "datetime::rfc2822", "%a, %d %b %Y %H:%M:%S +0000");
}

// -- tremor::chash ------------------------------------------------------------------

TEMBLOR_NATIVE(chash_sorted_serialize) {
  out = value(to_json(a[0], true));
  return true;
}

// SipHash with `C` compression and `D` finalization rounds over `data`.
template <int C, int D>
uint64_t siphash(uint64_t k0, uint64_t k1, std::string_view data) {
  uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
  const auto rotl = [](uint64_t x, int b) { return (x << b) | (x >> (64 - b)); };
  const auto round = [&]() {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  };
  const size_t n = data.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t m = 0;
    for (int k = 7; k >= 0; --k)
      m = (m << 8) | static_cast<unsigned char>(data[i + static_cast<size_t>(k)]);
    v3 ^= m;
    for (int r = 0; r < C; ++r)
      round();
    v0 ^= m;
  }
  uint64_t last = static_cast<uint64_t>(n & 0xFF) << 56;
  for (size_t k = 0; i + k < n; ++k)
    last |= static_cast<uint64_t>(static_cast<unsigned char>(data[i + k])) << (8 * k);
  v3 ^= last;
  for (int r = 0; r < C; ++r)
    round();
  v0 ^= last;
  v2 ^= 0xFF;
  for (int r = 0; r < D; ++r)
    round();
  return v0 ^ v1 ^ v2 ^ v3;
}

// Tremor places keys with the `jumphash` crate: SipHash-1-3 keyed by
// (k1, k2) over the key as Rust's `Hash` for `str` feeds it (the bytes, then
// a 0xFF terminator), then jump consistent hash (Lamping & Veach). Plain
// `jump` uses Tremor's fixed keys, "tremor\0\0" and "\0\0tremor" read as
// big-endian integers, so slots match Tremor's for the same key.
constexpr uint64_t chash_k1 = 8390880576440238080ULL;
constexpr uint64_t chash_k2 = 128034676764530ULL;

uint64_t chash_key_hash(uint64_t k1, uint64_t k2, const std::string& key) {
  std::string data = key;
  data.push_back(static_cast<char>(0xFF));
  return siphash<1, 3>(k1, k2, data);
}

int64_t jump_slot(uint64_t h, int64_t slots) {
  int64_t b = -1, j = 0;
  while (j < slots) {
    b = j;
    h = h * 2862933555777941757ULL + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) *
                             (static_cast<double>(1ULL << 31) / static_cast<double>((h >> 33) + 1)));
  }
  return b;
}

bool chash_place(uint64_t k1, uint64_t k2, const value& key, const value& count, value& out, std::string& err,
                 const char* fn) {
  if (!key.is_string())
    return type_err(err, fn, "a string", key);
  int64_t slots = 0;
  if (!count.get_i64(slots) || slots < 0 || slots > UINT32_MAX)
    return type_err(err, fn, "an integer", count);
  out = value(static_cast<long long>(slots == 0 ? 0 : jump_slot(chash_key_hash(k1, k2, key.as_string()), slots)));
  return true;
}

TEMBLOR_NATIVE(chash_jump) { return chash_place(chash_k1, chash_k2, a[0], a[1], out, err, "chash::jump"); }

bool get_u64_key(const value& v, uint64_t& k) {
  int64_t i = 0;
  if (v.get_u64(k))
    return true;
  if (v.get_i64(i) && i >= 0) {
    k = static_cast<uint64_t>(i);
    return true;
  }
  return false;
}

TEMBLOR_NATIVE(chash_jump_with_keys) {
  uint64_t k1 = 0, k2 = 0;
  if (!get_u64_key(a[0], k1))
    return type_err(err, "chash::jump_with_keys", "an integer", a[0]);
  if (!get_u64_key(a[1], k2))
    return type_err(err, "chash::jump_with_keys", "an integer", a[1]);
  return chash_place(k1, k2, a[2], a[3], out, err, "chash::jump_with_keys");
}

// -- std::url ----------------------------------------------------------------------

// Tremor percent-encodes every byte that is not an ASCII letter or digit
// (the `NON_ALPHANUMERIC` set) and decodes `%XX` only: `+` stays a `+`,
// since this is not form decoding.
TEMBLOR_NATIVE(url_encode) {
  TEMBLOR_WANT_STR(0, "url::encode");
  std::string r;
  for (unsigned char c : s0) {
    if (std::isalnum(c)) {
      r.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      r += buf;
    }
  }
  out = value(std::move(r));
  return true;
}
int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}
TEMBLOR_NATIVE(url_decode) {
  TEMBLOR_WANT_STR(0, "url::decode");
  std::string r;
  for (size_t i = 0; i < s0.size(); ++i) {
    int hi = 0, lo = 0;
    if (s0[i] == '%' && i + 2 < s0.size() && (hi = hex_digit(s0[i + 1])) >= 0 &&
        (lo = hex_digit(s0[i + 2])) >= 0) {
      r.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      // A `%` without two hex digits is kept as it is.
      r.push_back(s0[i]);
    }
  }
  for (size_t i = 0; i < r.size();) {
    size_t bad = 0;
    size_t len = utf8_sequence_length(r, i, bad);
    if (len == 0) {
      err = "Could not urldecode value: " + s0;
      return false;
    }
    i += len;
  }
  out = value(std::move(r));
  return true;
}

TEMBLOR_NATIVE(system_ingest_ns) {
  const eval_ctx* c = current_eval_ctx();
  out = value(static_cast<unsigned long long>(c ? c->ingest_ns : 0));
  return true;
}

// The runtime does not carry origin URIs on events; origin functions read
// them from `$origin` when a connector sets it, null otherwise.
const value* origin_field(const char* key) {
  const eval_ctx* c = current_eval_ctx();
  if (!c || !c->meta)
    return nullptr;
  const value* o = c->meta->get("origin");
  return o ? o->get(key) : nullptr;
}
#define TEMBLOR_ORIGIN(fname, key)                                                                         \
  TEMBLOR_NATIVE(fname) {                                                                                  \
    const value* v = origin_field(key);                                                            \
    out = v ? *v : value();                                                                        \
    return true;                                                                                   \
  }
TEMBLOR_ORIGIN(origin_scheme, "scheme")
TEMBLOR_ORIGIN(origin_host, "host")
TEMBLOR_ORIGIN(origin_port, "port")
TEMBLOR_ORIGIN(origin_path, "path")
TEMBLOR_NATIVE(origin_as_uri_string) {
  const value* v = origin_field("uri");
  out = v ? *v : value();
  return true;
}

// Tremor's origin URI has exactly these four parts.
TEMBLOR_NATIVE(origin_as_uri_record) {
  const eval_ctx* c = current_eval_ctx();
  const value* o = c && c->meta ? c->meta->get("origin") : nullptr;
  if (!o || !o->is_record()) {
    out = value();
    return true;
  }
  record r;
  for (const char* key : {"scheme", "host", "port", "path"}) {
    const value* v = o->get(key);
    r.set(key, v ? *v : value());
  }
  out = value(std::move(r));
  return true;
}

// -- std::re -----------------------------------------------------------------------

// Compiling a Unicode class (Rust's `\w` is every script's letters) takes
// RE2 up to a millisecond, a thousand times a match, so each thread keeps
// the patterns it compiled last: a literal pattern compiles once. The bound
// keeps patterns taken from events from growing memory without limit (each
// regex is capped by its own max_mem). A bad pattern is not kept; it is a
// runtime error of the call each time.
std::shared_ptr<const regex> make_regex(const value& pat, std::string& err, const char* fn) {
  constexpr size_t max_cached = 16;
  thread_local std::unordered_map<std::string, std::shared_ptr<const regex>> cache;
  if (!pat.is_string()) {
    type_err(err, fn, "a string", pat);
    return nullptr;
  }
  auto it = cache.find(pat.as_string());
  if (it != cache.end())
    return it->second;
  auto re = std::make_shared<regex>();
  std::string why;
  if (!re->compile(pat.as_string(), why)) {
    err = std::string(fn) + ": " + why;
    return nullptr;
  }
  if (cache.size() >= max_cached)
    cache.clear();
  cache.emplace(pat.as_string(), re);
  return re;
}
TEMBLOR_NATIVE(re_is_match) {
  auto re = make_regex(a[0], err, "re::is_match");
  if (!re)
    return false;
  TEMBLOR_WANT_STR(1, "re::is_match");
  out = value(re->is_match(s1));
  return true;
}
TEMBLOR_NATIVE(re_replace) {
  auto re = make_regex(a[0], err, "re::replace");
  if (!re)
    return false;
  TEMBLOR_WANT_STR(1, "re::replace");
  TEMBLOR_WANT_STR(2, "re::replace");
  out = value(re->replace(s1, s2, false));
  return true;
}
TEMBLOR_NATIVE(re_replace_all) {
  auto re = make_regex(a[0], err, "re::replace_all");
  if (!re)
    return false;
  TEMBLOR_WANT_STR(1, "re::replace_all");
  TEMBLOR_WANT_STR(2, "re::replace_all");
  out = value(re->replace(s1, s2, true));
  return true;
}
TEMBLOR_NATIVE(re_split) {
  auto re = make_regex(a[0], err, "re::split");
  if (!re)
    return false;
  TEMBLOR_WANT_STR(1, "re::split");
  array r;
  for (std::string_view piece : re->split(s1))
    r.push_back(value(std::string(piece)));
  out = value(std::move(r));
  return true;
}

const std::unordered_map<std::string, native_entry>& table() {
  static const std::unordered_map<std::string, native_entry> t = {
    {"time::nanos::from_nanos", {nanos_from_nanos, 1, 1}},
    {"time::nanos::from_micros", {nanos_from_micros, 1, 1}},
    {"time::nanos::from_millis", {nanos_from_millis, 1, 1}},
    {"time::nanos::from_seconds", {nanos_from_seconds, 1, 1}},
    {"time::nanos::from_minutes", {nanos_from_minutes, 1, 1}},
    {"time::nanos::from_hours", {nanos_from_hours, 1, 1}},
    {"time::nanos::from_days", {nanos_from_days, 1, 1}},
    {"nanos::from_nanos", {nanos_from_nanos, 1, 1}},
    {"nanos::from_micros", {nanos_from_micros, 1, 1}},
    {"nanos::from_millis", {nanos_from_millis, 1, 1}},
    {"nanos::from_seconds", {nanos_from_seconds, 1, 1}},
    {"nanos::from_minutes", {nanos_from_minutes, 1, 1}},
    {"nanos::from_hours", {nanos_from_hours, 1, 1}},
    {"nanos::from_days", {nanos_from_days, 1, 1}},
    {"string::len", {string_len, 1, 1}},
    {"string::bytes", {string_bytes, 1, 1}},
    {"string::lowercase", {string_lowercase, 1, 1}},
    {"string::uppercase", {string_uppercase, 1, 1}},
    {"string::capitalize", {string_capitalize, 1, 1}},
    {"string::trim", {string_trim, 1, 1}},
    {"string::trim_start", {string_trim_start, 1, 1}},
    {"string::trim_end", {string_trim_end, 1, 1}},
    {"string::contains", {string_contains, 2, 2}},
    {"string::starts_with", {string_starts_with, 2, 2}},
    {"string::ends_with", {string_ends_with, 2, 2}},
    {"string::split", {string_split, 2, 2}},
    {"string::replace", {string_replace, 3, 3}},
    {"string::reverse", {string_reverse, 1, 1}},
    {"string::substr", {string_substr, 3, 3}},
    {"string::is_empty", {string_is_empty, 1, 1}},
    {"string::into_binary", {string_into_binary, 1, 1}},
    {"string::from_utf8_lossy", {string_from_utf8_lossy, 1, 1}},
    {"string::format", {string_format, 1, SIZE_MAX}},
    {"array::len", {array_len, 1, 1}},
    {"array::is_empty", {array_is_empty, 1, 1}},
    {"array::contains", {array_contains, 2, 2}},
    {"array::push", {array_push, 2, 2}},
    {"array::sort", {array_sort, 1, 1}},
    {"array::reverse", {array_reverse, 1, 1}},
    {"array::flatten", {array_flatten, 1, 1}},
    {"array::join", {array_join, 2, 2}},
    {"array::coalesce", {array_coalesce, 1, 1}},
    {"array::zip", {array_zip, 2, 2}},
    {"array::unzip", {array_unzip, 1, 1}},
    {"array::concatenate", {array_concatenate, 2, 2}},
    {"record::len", {record_len, 1, 1}},
    {"record::is_empty", {record_is_empty, 1, 1}},
    {"record::contains", {record_contains, 2, 2}},
    {"record::keys", {record_keys, 1, 1}},
    {"record::values", {record_values, 1, 1}},
    {"record::to_array", {record_to_array, 1, 1}},
    {"record::from_array", {record_from_array, 1, 1}},
    {"record::select", {record_select, 2, 2}},
    {"record::extract", {record_extract, 2, 2}},
    {"record::merge", {record_merge, 2, 2}},
    {"record::rename", {record_rename, 3, 3}},
    {"json::encode", {json_encode, 1, 1}},
    {"json::encode_pretty", {json_encode_pretty, 1, 1}},
    {"json::decode", {json_decode, 1, 1}},
    {"type::is_null", {type_is_null, 1, 1}},
    {"type::is_bool", {type_is_bool, 1, 1}},
    {"type::is_integer", {type_is_integer, 1, 1}},
    {"type::is_float", {type_is_float, 1, 1}},
    {"type::is_number", {type_is_number, 1, 1}},
    {"type::is_string", {type_is_string, 1, 1}},
    {"type::is_array", {type_is_array, 1, 1}},
    {"type::is_record", {type_is_record, 1, 1}},
    {"type::is_binary", {type_is_binary, 1, 1}},
    {"type::as_string", {type_as_string, 1, 1}},
    {"math::floor", {math_floor, 1, 1}},
    {"math::ceil", {math_ceil, 1, 1}},
    {"math::round", {math_round, 1, 1}},
    {"math::trunc", {math_trunc, 1, 1}},
    {"math::max", {math_max, 2, 2}},
    {"math::min", {math_min, 2, 2}},
    {"integer::parse", {integer_parse, 1, 1}},
    {"float::parse", {float_parse, 1, 1}},
    {"base64::encode", {base64_encode, 1, 1}},
    {"base64::decode", {base64_decode, 1, 1}},
    {"binary::len", {binary_len, 1, 1}},
    {"binary::into_bytes", {binary_into_bytes, 1, 1}},
    {"binary::from_bytes", {binary_from_bytes, 1, 1}},
    {"path::try_default", {path_try_default, 3, 3}},
    {"size::kb", {size_kb, 1, 1}},
    {"size::mb", {size_mb, 1, 1}},
    {"size::gb", {size_gb, 1, 1}},
    {"size::tb", {size_tb, 1, 1}},
    {"size::pb", {size_pb, 1, 1}},
    {"range::range", {range_range, 2, 2}},
    {"system::nanotime", {system_nanotime, 0, 0}},
    {"system::instance", {system_instance, 0, 0}},
    {"system::hostname", {system_hostname, 0, 0}},
    {"system::version", {system_version, 0, 0}},
    {"random::bool", {random_bool, 0, 0}},
    {"random::integer", {random_integer, 2, 2}},
    {"random::float", {random_float, 0, 2}},
    {"random::string", {random_string, 1, 1}},
    {"datetime::format", {datetime_format, 2, 2}},
    {"datetime::parse", {datetime_parse, 2, 2}},
    {"datetime::today", {datetime_today, 0, 0}},
    {"chash::jump", {chash_jump, 2, 2}},
    {"chash::jump_with_keys", {chash_jump_with_keys, 4, 4}},
    {"chash::sorted_serialize", {chash_sorted_serialize, 1, 1}},
    {"datetime::year", {datetime_year, 1, 1}},
    {"datetime::month", {datetime_month, 1, 1}},
    {"datetime::day", {datetime_day, 1, 1}},
    {"datetime::hour", {datetime_hour, 1, 1}},
    {"datetime::minute", {datetime_minute, 1, 1}},
    {"datetime::second", {datetime_second, 1, 1}},
    {"datetime::millisecond", {datetime_millisecond, 1, 1}},
    {"datetime::microsecond", {datetime_microsecond, 1, 1}},
    {"datetime::nanosecond", {datetime_nanosecond, 1, 1}},
    {"datetime::iso8601", {datetime_iso8601, 1, 1}},
    {"datetime::rfc3339", {datetime_rfc3339, 1, 1}},
    {"datetime::rfc2822", {datetime_rfc2822, 1, 1}},
    {"datetime::to_nearest_millisecond", {datetime_to_nearest_millisecond, 1, 1}},
    {"datetime::to_nearest_microsecond", {datetime_to_nearest_microsecond, 1, 1}},
    {"datetime::to_nearest_second", {datetime_to_nearest_second, 1, 1}},
    {"datetime::without_subseconds", {datetime_without_subseconds, 1, 1}},
    {"url::encode", {url_encode, 1, 1}},
    {"system::ingest_ns", {system_ingest_ns, 0, 0}},
    {"origin::scheme", {origin_scheme, 0, 0}},
    {"origin::host", {origin_host, 0, 0}},
    {"origin::port", {origin_port, 0, 0}},
    {"origin::path", {origin_path, 0, 0}},
    {"origin::as_uri_string", {origin_as_uri_string, 0, 0}},
    {"origin::as_uri_record", {origin_as_uri_record, 0, 0}},
    {"re::is_match", {re_is_match, 2, 2}},
    {"re::replace", {re_replace, 3, 3}},
    {"re::replace_all", {re_replace_all, 3, 3}},
    {"re::split", {re_split, 2, 2}},
    {"url::decode", {url_decode, 1, 1}},
  };
  return t;
}

} // namespace

void set_instance_name(std::string name) { instance_name() = std::move(name); }

const native_entry* find_native(const std::string& name) {
  const auto& t = table();
  auto it = t.find(name);
  return it == t.end() ? nullptr : &it->second;
}

std::vector<std::string> native_names() {
  std::vector<std::string> names;
  for (const auto& [k, v] : table())
    names.push_back(k);
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace temblor::dsl
