#pragma once

// The text Rust's `regex` crate gives for a pattern it cannot parse, which is
// what Tremor shows (after "Invalid tilde predicate pattern: ", or in a
// `re::` function's runtime error):
//
//   regex parse error:
//       (ab
//       ^
//   error: unclosed group
//
// RE2 compiles our patterns; it says what is wrong but not where, so the
// fault's place is found again here, the way Rust's parser reports it.

#include <string>
#include <string_view>

namespace temblor::dsl {

enum class regex_fault {
  unclosed_group,         ///< a `(` never closed (the innermost one is shown)
  unopened_group,         ///< a `)` with no `(`
  unclosed_class,         ///< a `[` never closed
  bad_escape,             ///< `\q`; `fragment` is the escape
  incomplete_escape,      ///< a `\` that ends the pattern
  missing_repeat_operand, ///< `*`, `+`, `?` or `{n}` with nothing before it; `fragment`
  bad_repeat_range,       ///< `{2,1}`; `fragment`
  bad_class_range,        ///< `[z-a]`; `fragment`
  look_around,            ///< `(?=`, `(?!`, `(?<=`, `(?<!`; `fragment`
  other,                  ///< anything else: `message` is shown, at `fragment` if found
};

/// Rust's message for a pattern with `fault`. `fragment` is the faulty part
/// where the fault has one (searched for in `pattern`); `message` is used for
/// regex_fault::other.
std::string rust_regex_error(std::string_view pattern, regex_fault fault, std::string_view fragment,
                             std::string_view message = {});

} // namespace temblor::dsl
