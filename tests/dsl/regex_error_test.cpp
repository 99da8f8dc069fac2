// Rust's regex crate's syntax error text (what Tremor prints for a bad `re`
// pattern), rebuilt from what RE2 tells us.
#include <doctest/doctest.h>

#include "dsl/regex.hpp"
#include "dsl/regex_error.hpp"

using namespace temblor::dsl;

namespace {

std::string compile_error(const std::string& pattern) {
  regex re;
  std::string err;
  REQUIRE_FALSE(re.compile(pattern, err));
  return err;
}

} // namespace

TEST_CASE("an unclosed group is shown under its opening parenthesis, in Rust's layout") {
  CHECK(compile_error("(") == "regex parse error:\n    (\n    ^\nerror: unclosed group");
  // The innermost open group is the one named.
  CHECK(compile_error("a(b(c)") == "regex parse error:\n    a(b(c)\n     ^\nerror: unclosed group");
  // A named group's whole opener is underlined.
  CHECK(compile_error("x(?P<n>a") == "regex parse error:\n    x(?P<n>a\n     ^^^^^^\nerror: unclosed group");
}

TEST_CASE("a closing parenthesis without an opening one is an unopened group") {
  CHECK(compile_error("ab)c(") == "regex parse error:\n    ab)c(\n      ^\nerror: unopened group");
}

TEST_CASE("parentheses inside classes and escapes do not count as groups") {
  CHECK(compile_error("[(]\\((") == "regex parse error:\n    [(]\\((\n         ^\nerror: unclosed group");
  // A `]` right after `[` is a member, so the class is still open.
  CHECK(compile_error("x[]a") == "regex parse error:\n    x[]a\n     ^\nerror: unclosed character class");
}

TEST_CASE("columns count characters, not bytes") {
  CHECK(compile_error("éé(") == "regex parse error:\n    éé(\n      ^\nerror: unclosed group");
}

TEST_CASE("the faulty fragment RE2 names is underlined with Rust's message") {
  CHECK(compile_error("a\\qb") == "regex parse error:\n    a\\qb\n     ^^\nerror: unrecognized escape sequence");
  CHECK(compile_error("[z-a]") ==
        "regex parse error:\n    [z-a]\n     ^^^\nerror: invalid character class range, the start must be <= the end");
  CHECK(compile_error("*a") == "regex parse error:\n    *a\n    ^\nerror: repetition operator missing expression");
  CHECK(compile_error("ab\\") ==
        "regex parse error:\n    ab\\\n      ^\nerror: incomplete escape sequence, reached end of pattern prematurely");
}

TEST_CASE("a pattern of several lines is numbered between dividers") {
  std::string divider(79, '~');
  CHECK(rust_regex_error("ab\n(c", regex_fault::unclosed_group, "") ==
        "regex parse error:\n" + divider + "\n1: ab\n2: (c\n   ^\n" + divider + "\nerror: unclosed group");
}
