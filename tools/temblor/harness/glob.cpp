#include "tools/temblor/harness/glob.hpp"

namespace temblor::harness {

namespace {

// Matches one character class at pattern[pi] ('[' ...); sets `next` past it.
bool class_match(std::string_view pattern, size_t pi, char c, size_t& next, bool& ok) {
  size_t i = pi + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate)
    ++i;
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char lo = pattern[i];
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      char hi = pattern[i + 2];
      if (c >= lo && c <= hi)
        matched = true;
      i += 3;
    } else {
      if (c == lo)
        matched = true;
      ++i;
    }
  }
  if (i >= pattern.size()) {
    ok = false; // unclosed class: treat '[' literally
    return false;
  }
  ok = true;
  next = i + 1;
  return matched != negate && c != '/';
}

bool match_from(std::string_view p, size_t pi, std::string_view s, size_t si) {
  while (pi < p.size()) {
    char pc = p[pi];
    if (pc == '*') {
      bool globstar = pi + 1 < p.size() && p[pi + 1] == '*';
      if (globstar) {
        size_t rest = pi + 2;
        // "**/" may also match zero directories.
        if (rest < p.size() && p[rest] == '/' && match_from(p, rest + 1, s, si))
          return true;
        for (size_t k = si; k <= s.size(); ++k)
          if (match_from(p, rest, s, k))
            return true;
        return false;
      }
      for (size_t k = si; k <= s.size(); ++k) {
        if (match_from(p, pi + 1, s, k))
          return true;
        if (k < s.size() && s[k] == '/')
          break;
      }
      return false;
    }
    if (si >= s.size())
      return false;
    if (pc == '?') {
      if (s[si] == '/')
        return false;
      ++pi;
      ++si;
      continue;
    }
    if (pc == '[') {
      size_t next = pi;
      bool ok = false;
      bool m = class_match(p, pi, s[si], next, ok);
      if (ok) {
        if (!m)
          return false;
        pi = next;
        ++si;
        continue;
      }
    }
    if (pc != s[si])
      return false;
    ++pi;
    ++si;
  }
  return si == s.size();
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match_from(pattern, 0, path, 0);
}

} // namespace temblor::harness
