#include "dsl/regex.hpp"

#include "dsl/regex_error.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>

namespace temblor::dsl {

namespace {

// RE2 spends about two thirds of max_mem on the compiled program and the
// rest on its DFA caches. 16 MiB gives a program limit close to the Rust
// crate's default 10 MB size limit, so a pattern too large for Tremor is
// too large here too, and a hostile pattern cannot take more than that.
constexpr int64_t max_regex_mem = 16 << 20;

// Rust's Perl classes are Unicode; RE2's are ASCII. These are the bodies of
// bracket classes with Rust's meaning (`\w`: Alphabetic, marks, decimal
// digits, connector punctuation, letter numbers, the joiners; `\s`: the
// White_Space property).
constexpr std::string_view word_body = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}\\p{Nl}\\x{200C}\\x{200D}";
constexpr std::string_view space_body =
  "\\t\\n\\x0B\\f\\r\\x20\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
  "\\x{202F}\\x{205F}\\x{3000}";

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

/// Rewrites Rust syntax that RE2 spells differently or reads as ASCII:
/// Perl classes, `(?<name>…)`, `\u` escapes. Everything else passes through
/// and RE2 reports what it does not accept.
bool to_re2(std::string_view in, std::string& out, std::string& err) {
  bool in_class = false;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\\' && i + 1 < in.size()) {
      char n = in[++i];
      switch (n) {
        case 'C':
          // RE2's "any byte" could cut a character in two and hand back text
          // that is not UTF-8; Rust has no such escape.
          err = rust_regex_error(in, regex_fault::bad_escape, "\\C");
          return false;
        case 'd': out += "\\p{Nd}"; continue;
        case 'D': out += "\\P{Nd}"; continue;
        case 'w':
          out += in_class ? std::string(word_body) : "[" + std::string(word_body) + "]";
          continue;
        case 's':
          out += in_class ? std::string(space_body) : "[" + std::string(space_body) + "]";
          continue;
        case 'W':
          // A complement cannot be unioned into a class in RE2; keep ASCII there.
          out += in_class ? std::string("\\W") : "[^" + std::string(word_body) + "]";
          continue;
        case 'S':
          out += in_class ? std::string("\\S") : "[^" + std::string(space_body) + "]";
          continue;
        case 'u':
        case 'U': {
          // \u{X…}, \uXXXX, \UXXXXXXXX -> \x{…}
          size_t digits = n == 'u' ? 4 : 8;
          if (i + 1 < in.size() && in[i + 1] == '{') {
            out += "\\x";
            continue; // the braces pass through
          }
          bool all_hex = i + digits < in.size();
          for (size_t k = 1; all_hex && k <= digits; ++k)
            all_hex = is_hex(in[i + k]);
          if (all_hex) {
            out += "\\x{";
            out += in.substr(i + 1, digits);
            out += "}";
            i += digits;
            continue;
          }
          out.push_back('\\');
          out.push_back(n);
          continue;
        }
        default:
          out.push_back('\\');
          out.push_back(n);
          continue;
      }
    }
    if (in_class) {
      if (c == ']') {
        in_class = false;
      } else if (c == '[') {
        if (i + 1 < in.size() && in[i + 1] == ':') {
          size_t end = in.find(":]", i + 2);
          if (end != std::string_view::npos) {
            out += in.substr(i, end + 2 - i);
            i = end + 1;
            continue;
          }
        }
        err = "Invalid regular expression: nested character classes are not supported";
        return false;
      } else if (c == '&' && i + 1 < in.size() && in[i + 1] == '&') {
        err = "Invalid regular expression: class intersection `&&` is not supported";
        return false;
      }
      out.push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back(c);
      // A `]` right after `[` or `[^` is a member, not the end.
      if (i + 1 < in.size() && in[i + 1] == '^')
        out.push_back(in[++i]);
      if (i + 1 < in.size() && in[i + 1] == ']') {
        out += "\\]";
        ++i;
      }
      continue;
    }
    if (c == '(' && in.compare(i, 3, "(?<") == 0 && i + 3 < in.size() && in[i + 3] != '=' &&
        in[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  return true;
}

std::string_view view(const re2::StringPiece& p) {
  return p.data() ? std::string_view(p.data(), p.size()) : std::string_view();
}

/// Length of the UTF-8 sequence starting with byte `b` (1 for a stray byte).
size_t utf8_len(unsigned char b) {
  if (b >= 0xF0)
    return 4;
  if (b >= 0xE0)
    return 3;
  if (b >= 0xC0)
    return 2;
  return 1;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Rust's report for what RE2 rejected. RE2 saw the translated pattern; its
// fragment is looked for in the original (the whole pattern is shown when
// the translation changed it).
std::string syntax_error(std::string_view pattern, const RE2& re) {
  const std::string& arg = re.error_arg();
  // RE2 names `(?<!` by its first three characters.
  for (std::string_view look : {"(?=", "(?!", "(?<=", "(?<!"})
    if (arg.size() >= 3 && (arg.rfind(look, 0) == 0 || look.rfind(arg, 0) == 0) &&
        pattern.find(look) != std::string_view::npos)
      return rust_regex_error(pattern, regex_fault::look_around, look);
  switch (re.error_code()) {
    case RE2::ErrorMissingParen:
    case RE2::ErrorUnexpectedParen: return rust_regex_error(pattern, regex_fault::unclosed_group, arg);
    case RE2::ErrorMissingBracket: return rust_regex_error(pattern, regex_fault::unclosed_class, arg);
    case RE2::ErrorBadEscape:
      if (arg.size() == 2 && std::isdigit(static_cast<unsigned char>(arg[1])))
        return rust_regex_error(pattern, regex_fault::other, arg, "backreferences are not supported");
      return rust_regex_error(pattern, regex_fault::bad_escape, arg);
    case RE2::ErrorTrailingBackslash: return rust_regex_error(pattern, regex_fault::incomplete_escape, arg);
    case RE2::ErrorRepeatArgument:
      return rust_regex_error(pattern, regex_fault::missing_repeat_operand, arg);
    case RE2::ErrorRepeatSize: {
      // `{2,1}` is Rust's range fault; RE2's own limit (1000) is its own.
      unsigned lo = 0, hi = 0;
      char close = 0;
      if (std::sscanf(arg.c_str(), "{%u,%u%c", &lo, &hi, &close) == 3 && close == '}' && lo > hi)
        return rust_regex_error(pattern, regex_fault::bad_repeat_range, arg);
      break;
    }
    case RE2::ErrorBadCharRange: return rust_regex_error(pattern, regex_fault::bad_class_range, arg);
    default: break;
  }
  return rust_regex_error(pattern, regex_fault::other, arg, re.error());
}

} // namespace

regex::regex() = default;
regex::~regex() = default;
regex::regex(regex&&) noexcept = default;
regex& regex::operator=(regex&&) noexcept = default;

bool regex::compile(std::string_view pattern, std::string& err) {
  re_.reset();
  names_.clear();
  std::string translated;
  if (!to_re2(pattern, translated, err))
    return false;
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_longest_match(false); // leftmost-first, as Rust
  o.set_log_errors(false);    // errors are returned, not printed
  o.set_max_mem(max_regex_mem);
  auto re = std::make_unique<RE2>(translated, o);
  if (!re->ok()) {
    err = syntax_error(pattern, *re);
    return false;
  }
  for (const auto& [name, idx] : re->NamedCapturingGroups())
    names_.emplace_back(static_cast<size_t>(idx), name);
  std::sort(names_.begin(), names_.end());
  re_ = std::move(re);
  return true;
}

bool regex::search(std::string_view text, size_t from, captures& out, size_t groups) const {
  std::vector<re2::StringPiece> sub(groups);
  re2::StringPiece all(text.data(), text.size());
  if (!re_->Match(all, from, text.size(), RE2::UNANCHORED, sub.data(), static_cast<int>(groups)))
    return false;
  out.clear();
  for (const auto& p : sub)
    out.push_back(view(p));
  return true;
}

bool regex::is_match(std::string_view text) const {
  return re_ && RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

bool regex::first(std::string_view text, captures& out) const {
  return re_ && search(text, 0, out, 1 + static_cast<size_t>(re_->NumberOfCapturingGroups()));
}

void regex::for_each(std::string_view text, const std::function<bool(const captures&)>& fn) const {
  if (!re_)
    return;
  size_t groups = 1 + static_cast<size_t>(re_->NumberOfCapturingGroups());
  size_t from = 0;
  bool have_last = false;
  size_t last_end = 0;
  captures m;
  while (from <= text.size() && search(text, from, m, groups)) {
    size_t s = static_cast<size_t>(m[0].data() - text.data());
    size_t e = s + m[0].size();
    if (s == e) {
      // Step past the empty match by one character; skip it when it sits
      // right where the previous match ended.
      from = e < text.size() ? e + utf8_len(static_cast<unsigned char>(text[e])) : e + 1;
      if (have_last && e == last_end)
        continue;
    } else {
      from = e;
    }
    have_last = true;
    last_end = e;
    if (!fn(m))
      return;
  }
}

void regex::expand(const captures& m, std::string_view rep, std::string& out) const {
  auto group = [&](size_t i) {
    if (i < m.size() && m[i].data())
      out += m[i];
  };
  size_t i = 0;
  while (i < rep.size()) {
    size_t dollar = rep.find('$', i);
    if (dollar == std::string_view::npos) {
      out += rep.substr(i);
      return;
    }
    out += rep.substr(i, dollar - i);
    i = dollar;
    if (i + 1 < rep.size() && rep[i + 1] == '$') {
      out.push_back('$');
      i += 2;
      continue;
    }
    std::string_view name;
    size_t end = 0;
    if (i + 1 < rep.size() && rep[i + 1] == '{') {
      size_t close = rep.find('}', i + 2);
      if (close != std::string_view::npos) {
        name = rep.substr(i + 2, close - i - 2);
        end = close + 1;
      }
    } else {
      size_t j = i + 1;
      while (j < rep.size() && is_name_char(rep[j]))
        ++j;
      if (j > i + 1) {
        name = rep.substr(i + 1, j - i - 1);
        end = j;
      }
    }
    if (end == 0) { // no reference: the `$` is literal
      out.push_back('$');
      ++i;
      continue;
    }
    i = end;
    bool number = !name.empty();
    size_t idx = 0;
    for (char c : name) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        number = false;
        break;
      }
      idx = idx > m.size() ? idx : idx * 10 + static_cast<size_t>(c - '0');
    }
    if (number) {
      group(idx);
      continue;
    }
    for (const auto& [gi, gname] : names_)
      if (gname == name) {
        group(gi);
        break;
      }
  }
}

std::string regex::replace(std::string_view text, std::string_view rep, bool all) const {
  std::string out;
  size_t last = 0;
  for_each(text, [&](const captures& m) {
    size_t s = static_cast<size_t>(m[0].data() - text.data());
    out += text.substr(last, s - last);
    expand(m, rep, out);
    last = s + m[0].size();
    return all;
  });
  out += text.substr(last);
  return out;
}

std::vector<std::string_view> regex::split(std::string_view text) const {
  std::vector<std::string_view> pieces;
  size_t last = 0;
  for_each(text, [&](const captures& m) {
    size_t s = static_cast<size_t>(m[0].data() - text.data());
    pieces.push_back(text.substr(last, s - last));
    last = s + m[0].size();
    return true;
  });
  pieces.push_back(text.substr(last));
  return pieces;
}

} // namespace temblor::dsl
