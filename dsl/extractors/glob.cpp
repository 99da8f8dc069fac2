#include "dsl/extractors/extractor_programs.hpp"

#include "runtime/core/utf8.hpp"

namespace temblor::dsl::extractors {

// -- glob -------------------------------------------------------------------
//
// Tremor compiles glob bodies with the Rust `glob` crate's `Pattern` and
// matches with its default options: case sensitive, and `*`, `?` and
// classes may match `/`. libc's fnmatch differs (`\` escapes, `[^…]`
// negation), so the crate's rules are implemented here on code points:
// `?` one character, `*` any run, `**` only as a whole path component
// (it resumes matching only after a `/`), `[…]` / `[!…]` classes of single
// characters and `a-z` ranges where a `]` right after the opening bracket
// is literal (so `[*]` and `[]]` escape), and every other character literal.

namespace {

/// Decodes UTF-8 into code points; a byte that starts no well-formed
/// sequence stands for itself, so any input can still be matched.
std::u32string decode_utf8(const std::string& s) {
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t bad = 0;
    size_t len = utf8_sequence_length(s, i, bad);
    auto b = static_cast<unsigned char>(s[i]);
    if (len == 0) {
      out.push_back(b);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::vector<std::pair<char32_t, char32_t>> glob_class(const std::u32string& s) {
  std::vector<std::pair<char32_t, char32_t>> set;
  size_t i = 0;
  while (i < s.size()) {
    if (i + 3 <= s.size() && s[i + 1] == U'-') {
      set.emplace_back(s[i], s[i + 2]);
      i += 3;
    } else {
      set.emplace_back(s[i], s[i]);
      ++i;
    }
  }
  return set;
}

} // namespace

bool compile_glob(const std::string& body, glob_program& p, std::string& err) {
  const std::u32string pat = decode_utf8(body);
  size_t i = 0;
  while (i < pat.size()) {
    char32_t c = pat[i];
    if (c == U'?') {
      p.tokens.push_back(glob_token{glob_op::any_char, 0, {}});
      ++i;
    } else if (c == U'*') {
      size_t start = i;
      while (i < pat.size() && pat[i] == U'*')
        ++i;
      size_t count = i - start;
      if (count > 2) {
        err = "Invalid glob pattern: wildcards are either regular `*` or recursive `**`";
        return false;
      }
      if (count == 1) {
        p.tokens.push_back(glob_token{glob_op::any_seq, 0, {}});
        continue;
      }
      // `**` must be a whole path component; its trailing `/` is part of it.
      if (start != 0 && pat[start - 1] != U'/') {
        err = "Invalid glob pattern: recursive wildcards must form a single path component";
        return false;
      }
      if (i < pat.size()) {
        if (pat[i] != U'/') {
          err = "Invalid glob pattern: recursive wildcards must form a single path component";
          return false;
        }
        ++i;
      }
      if (p.tokens.empty() || p.tokens.back().op != glob_op::any_recursive)
        p.tokens.push_back(glob_token{glob_op::any_recursive, 0, {}});
    } else if (c == U'[') {
      bool done = false;
      if (i + 4 <= pat.size() && pat[i + 1] == U'!') {
        size_t close = pat.find(U']', i + 3);
        if (close != std::u32string::npos) {
          p.tokens.push_back(
            glob_token{glob_op::except, 0, glob_class(pat.substr(i + 2, close - i - 2))});
          i = close + 1;
          done = true;
        }
      } else if (i + 3 <= pat.size() && pat[i + 1] != U'!') {
        size_t close = pat.find(U']', i + 2);
        if (close != std::u32string::npos) {
          p.tokens.push_back(
            glob_token{glob_op::within, 0, glob_class(pat.substr(i + 1, close - i - 1))});
          i = close + 1;
          done = true;
        }
      }
      if (!done) {
        err = "Invalid glob pattern: invalid range pattern";
        return false;
      }
    } else {
      p.tokens.push_back(glob_token{glob_op::chr, c, {}});
      ++i;
    }
  }
  return true;
}

namespace {

bool in_glob_class(const glob_token& t, char32_t c) {
  for (const auto& [lo, hi] : t.set)
    if (lo <= c && c <= hi)
      return true;
  return false;
}

enum class glob_result : uint8_t { match, sub_fails, all_fail };

/// Matches tokens[ti..] against s[si..]; `all_fail` ends the search early
/// once the input ran out, as no other split of a `*` could help then.
glob_result glob_from(const glob_program& p, size_t ti, const std::u32string& s, size_t si) {
  for (; ti < p.tokens.size(); ++ti) {
    const glob_token& t = p.tokens[ti];
    if (t.op == glob_op::any_seq || t.op == glob_op::any_recursive) {
      auto r = glob_from(p, ti + 1, s, si);
      if (r != glob_result::sub_fails)
        return r;
      while (si < s.size()) {
        char32_t c = s[si++];
        if (t.op == glob_op::any_recursive && c != U'/')
          continue;
        r = glob_from(p, ti + 1, s, si);
        if (r != glob_result::sub_fails)
          return r;
      }
      continue; // input exhausted: the rest must match the empty string
    }
    if (si >= s.size())
      return glob_result::all_fail;
    char32_t c = s[si++];
    bool ok = t.op == glob_op::any_char || (t.op == glob_op::chr && t.c == c) ||
              (t.op == glob_op::within && in_glob_class(t, c)) ||
              (t.op == glob_op::except && !in_glob_class(t, c));
    if (!ok)
      return glob_result::sub_fails;
  }
  return si == s.size() ? glob_result::match : glob_result::sub_fails;
}

} // namespace

bool run_glob(const glob_program& p, const std::string& s) {
  return glob_from(p, 0, decode_utf8(s), 0) == glob_result::match;
}

} // namespace temblor::dsl::extractors
