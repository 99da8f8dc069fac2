#pragma once

// A compiled regular expression with the semantics of Rust's `regex` crate
// (what Tremor's `re`/`rerg`/`grok` extractors and `std::re` use), backed by
// Google RE2. RE2 runs in time linear in the input and uses no recursion
// per character, so hostile input (a megabyte against `(a+)+$`) ends
// promptly instead of overflowing the stack as std::regex did.
//
// Differences from Rust's crate that remain (RE2 20220601 cannot express them):
//   * `\b` / `\B` see ASCII word characters only (Rust: Unicode).
//   * `\W` and `\S` inside a bracket class (`[\W…]`) are ASCII-based;
//     outside a class, and `\d` `\w` `\s` `\D` everywhere, are Unicode.
//   * `\w` is L, M, Nd, Pc, Nl and the joiners; Rust's Alphabetic adds a
//     few symbols (circled letters such as U+24B6).
//   * The `u` and `x` flags (`(?-u)`, `(?x)`) and nested or set-operation
//     classes (`[a[b]]`, `[a&&b]`) are not supported: they fail to compile.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
}

namespace temblor::dsl {

class regex {
public:
  /// One match: `groups[0]` is the whole match, `groups[i]` group i. A
  /// group that took no part has a null `data()`.
  using captures = std::vector<std::string_view>;

  regex();
  ~regex();
  regex(regex&&) noexcept;
  regex& operator=(regex&&) noexcept;
  regex(const regex&) = delete;
  regex& operator=(const regex&) = delete;

  /// Compiles a pattern in Rust's syntax; false with
  /// Rust's text ("regex parse error: …") when it is not valid.
  bool compile(std::string_view pattern, std::string& err);

  /// True when compile() succeeded.
  bool ok() const { return re_ != nullptr; }

  /// Named groups as (index, name), in index order.
  const std::vector<std::pair<size_t, std::string>>& named_groups() const { return names_; }

  /// True when the pattern matches anywhere in `text`.
  bool is_match(std::string_view text) const;

  /// The first match, with every group; false when there is none.
  bool first(std::string_view text, captures& out) const;

  /// Calls `fn` with each successive non-overlapping match, as Rust's
  /// `captures_iter`: an empty match right after the previous match is
  /// skipped. `fn` returns false to stop.
  void for_each(std::string_view text, const std::function<bool(const captures&)>& fn) const;

  /// Replaces the first (or every) match by `rep` in Rust's replacement
  /// syntax: `$1`, `$name`, `${name}`, `$$`; an unknown or unmatched group
  /// expands to nothing, a `$` that starts no reference stays literal.
  std::string replace(std::string_view text, std::string_view rep, bool all) const;

  /// The pieces of `text` between matches, as Rust's `split` (a trailing
  /// empty piece is kept).
  std::vector<std::string_view> split(std::string_view text) const;

private:
  bool search(std::string_view text, size_t from, captures& out, size_t groups) const;
  void expand(const captures& m, std::string_view rep, std::string& out) const;

  std::unique_ptr<re2::RE2> re_;
  std::vector<std::pair<size_t, std::string>> names_;
};

} // namespace temblor::dsl
