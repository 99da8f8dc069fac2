#include "connectors/unix_socket/file_mode.hpp"

namespace temblor::connectors::unix_socket {

namespace {

constexpr uint32_t user_bits = 0700;
constexpr uint32_t group_bits = 0070;
constexpr uint32_t other_bits = 0007;
constexpr uint32_t all_bits = 0777;

bool fail(std::string_view text, size_t at, const char* what, std::string& err) {
  err = "`permissions`: invalid mode `" + std::string(text) + "` at character " +
        std::to_string(at + 1) + ": " + what +
        " (octal like \"=600\" or symbolic like \"u=rw,g=r\")";
  return false;
}

} // namespace

bool file_mode::parse(std::string_view text, file_mode& out, std::string& err) {
  out.steps_.clear();
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '=')
    digits.remove_prefix(1);
  if (!digits.empty() && digits.find_first_not_of("01234567") == std::string_view::npos) {
    if (digits.size() > 4)
      return fail(text, 0, "too many octal digits", err);
    uint32_t mode = 0;
    for (char c : digits)
      mode = mode * 8 + static_cast<uint32_t>(c - '0');
    if (mode > all_bits)
      return fail(text, 0, "only permission bits (at most 777) apply to a socket", err);
    out.steps_.push_back(step{all_bits, '=', mode});
    return true;
  }
  size_t i = 0;
  if (text.empty())
    return fail(text, 0, "empty", err);
  while (i < text.size()) {
    uint32_t who = 0;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c == 'u')
        who |= user_bits;
      else if (c == 'g')
        who |= group_bits;
      else if (c == 'o')
        who |= other_bits;
      else if (c == 'a')
        who |= all_bits;
      else
        break;
    }
    if (who == 0)
      who = all_bits;
    if (i >= text.size() || (text[i] != '+' && text[i] != '-' && text[i] != '='))
      return fail(text, i, "expected `+`, `-` or `=`", err);
    while (i < text.size() && (text[i] == '+' || text[i] == '-' || text[i] == '=')) {
      step s{who, text[i], 0};
      for (++i; i < text.size(); ++i) {
        char c = text[i];
        if (c == 'r')
          s.perms |= 0444;
        else if (c == 'w')
          s.perms |= 0222;
        else if (c == 'x')
          s.perms |= 0111;
        else
          break;
      }
      s.perms &= who;
      out.steps_.push_back(s);
    }
    if (i < text.size()) {
      if (text[i] != ',')
        return fail(text, i, "expected `r`, `w`, `x` or `,`", err);
      ++i;
      if (i == text.size())
        return fail(text, i - 1, "a trailing `,`", err);
    }
  }
  return true;
}

uint32_t file_mode::apply(uint32_t base) const {
  uint32_t mode = base & all_bits;
  for (const auto& s : steps_) {
    switch (s.op) {
      case '+': mode |= s.perms; break;
      case '-': mode &= ~s.perms; break;
      default: mode = (mode & ~s.who) | s.perms; break;
    }
  }
  return mode;
}

} // namespace temblor::connectors::unix_socket
