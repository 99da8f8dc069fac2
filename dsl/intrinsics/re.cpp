#include "dsl/intrinsics/native_support.hpp"

#include <memory>
#include <string_view>
#include <unordered_map>

#include "dsl/regex.hpp"

namespace temblor::dsl::intrinsics {

namespace {

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

} // namespace

// Adds std::re.
void register_re_natives(native_table& t) {
  t.insert({
    {"re::is_match", {re_is_match, 2, 2}},
    {"re::replace", {re_replace, 3, 3}},
    {"re::replace_all", {re_replace_all, 3, 3}},
    {"re::split", {re_split, 2, 2}},
  });
}

} // namespace temblor::dsl::intrinsics
