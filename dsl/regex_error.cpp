#include "dsl/regex_error.hpp"

#include <algorithm>
#include <vector>

namespace temblor::dsl {

namespace {

// A byte range of the pattern.
struct byte_span {
  size_t begin = 0;
  size_t end = 0;
};

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Characters (not bytes) in `s`: Rust counts columns in characters.
size_t chars_in(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !continuation_byte(c); }));
}

// The opener of the group starting at `at`: `(`, or `(?…:` / `(?P<name>` /
// `(?<name>` up to its `:` or `>`, as Rust's parser spans it.
byte_span group_opener(std::string_view p, size_t at) {
  if (at + 1 >= p.size() || p[at + 1] != '?')
    return {at, at + 1};
  size_t close = p.find_first_of(":>)", at + 2);
  if (close == std::string_view::npos || p[close] == ')')
    return {at, at + 1};
  return {at, close + 1};
}

// Walks the pattern as Rust's parser does for nesting (escapes, classes
// with their literal leading `]`, nested classes, groups). Rust stops at the
// first `)` without a `(`; at the end it names the innermost open `[`, else
// the innermost open `(`.
struct nesting_fault {
  regex_fault fault = regex_fault::other;
  byte_span at;
};
nesting_fault find_nesting_fault(std::string_view p) {
  std::vector<size_t> groups;
  std::vector<byte_span> classes;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (!classes.empty()) {
      if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
        size_t end = p.find(":]", i + 2);
        if (end != std::string_view::npos) {
          i = end + 1;
          continue;
        }
      }
      if (c == ']') {
        classes.pop_back();
        continue;
      }
      if (c != '[')
        continue;
    }
    if (c == '[') {
      byte_span open{i, i + 1};
      if (i + 1 < p.size() && p[i + 1] == '^')
        open.end = ++i + 1;
      if (i + 1 < p.size() && p[i + 1] == ']')
        ++i; // a `]` right after the opener is a member
      classes.push_back(open);
    } else if (c == '(') {
      groups.push_back(i);
    } else if (c == ')') {
      if (groups.empty())
        return {regex_fault::unopened_group, {i, i + 1}};
      groups.pop_back();
    }
  }
  if (!classes.empty())
    return {regex_fault::unclosed_class, classes.back()};
  if (!groups.empty())
    return {regex_fault::unclosed_group, group_opener(p, groups.back())};
  return {regex_fault::other, {0, p.size()}};
}

const char* rust_text(regex_fault fault) {
  switch (fault) {
    case regex_fault::unclosed_group: return "unclosed group";
    case regex_fault::unopened_group: return "unopened group";
    case regex_fault::unclosed_class: return "unclosed character class";
    case regex_fault::bad_escape: return "unrecognized escape sequence";
    case regex_fault::incomplete_escape:
      return "incomplete escape sequence, reached end of pattern prematurely";
    case regex_fault::missing_repeat_operand: return "repetition operator missing expression";
    case regex_fault::bad_repeat_range:
      return "invalid repetition count range, the start must be <= the end";
    case regex_fault::bad_class_range:
      return "invalid character class range, the start must be <= the end";
    case regex_fault::look_around:
      return "look-around, including look-ahead and look-behind, is not supported";
    case regex_fault::other: break;
  }
  return "";
}

// Rust's layout: each pattern line indented (numbered when the pattern has
// several), carets under the span's characters on the line where it starts.
std::string notate(std::string_view p, byte_span at) {
  std::vector<std::string_view> lines;
  for (size_t b = 0;;) {
    size_t e = p.find('\n', b);
    lines.push_back(p.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
    if (e == std::string_view::npos)
      break;
    b = e + 1;
  }
  size_t width = lines.size() > 1 ? std::to_string(lines.size()).size() : 0;
  std::string out;
  size_t line_begin = 0;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = lines[n];
    if (width == 0) {
      out += "    ";
    } else {
      std::string num = std::to_string(n + 1);
      out += std::string(width - num.size(), ' ') + num + ": ";
    }
    out += std::string(line) + "\n";
    size_t line_end = line_begin + line.size();
    if (at.begin >= line_begin && (at.begin < line_end || (at.begin == line_end && n + 1 == lines.size()))) {
      size_t column = chars_in(p.substr(line_begin, at.begin - line_begin));
      size_t length = chars_in(p.substr(at.begin, std::min(at.end, line_end) - at.begin));
      out += std::string(width == 0 ? 4 : width + 2, ' ') + std::string(column, ' ') +
             std::string(std::max<size_t>(length, 1), '^') + "\n";
    }
    line_begin = line_end + 1;
  }
  return out;
}

} // namespace

std::string rust_regex_error(std::string_view pattern, regex_fault fault, std::string_view fragment,
                             std::string_view message) {
  byte_span at{0, pattern.size()};
  switch (fault) {
    case regex_fault::unclosed_group:
    case regex_fault::unopened_group:
    case regex_fault::unclosed_class: {
      // RE2 and Rust may disagree on which nesting fault comes first.
      nesting_fault n = find_nesting_fault(pattern);
      if (n.fault != regex_fault::other) {
        fault = n.fault;
        at = n.at;
      }
      break;
    }
    case regex_fault::incomplete_escape:
      at = pattern.empty() ? byte_span{0, 0} : byte_span{pattern.size() - 1, pattern.size()};
      break;
    default: {
      size_t f = fragment.empty() ? std::string_view::npos : pattern.find(fragment);
      if (f != std::string_view::npos)
        at = {f, f + fragment.size()};
    }
  }
  std::string text = "regex parse error:\n";
  bool multi_line = pattern.find('\n') != std::string_view::npos;
  std::string divider(79, '~');
  if (multi_line)
    text += divider + "\n";
  text += notate(pattern, at);
  if (multi_line)
    text += divider + "\n";
  text += "error: ";
  text += fault == regex_fault::other ? std::string(message) : rust_text(fault);
  return text;
}

} // namespace temblor::dsl
