#include "dsl/intrinsics/native_support.hpp"

#include <clocale>
#include <cwctype>
#include <locale.h>
#include <string_view>
#include <vector>
#include <wctype.h>

#include "dsl/json_text.hpp"
#include "dsl/utf8_encode.hpp"
#include "runtime/core/utf8.hpp"

namespace temblor::dsl::intrinsics {

namespace {

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
  // Tremor reports this as a runtime error with a hint, not as a bad type.
  if (!a[0].is_string()) {
    err = "expected 1st parameter to format to be a format specifier e.g. to print a number use "
          "`string::format(\"{}\", 1)`";
    return false;
  }
  const std::string& s0 = a[0].as_string();
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

} // namespace

// Adds std::string.
void register_string_natives(native_table& t) {
  t.insert({
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
  });
}

} // namespace temblor::dsl::intrinsics
