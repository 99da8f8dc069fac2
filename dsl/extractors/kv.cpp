#include "dsl/extractors/extractor_programs.hpp"

#include <algorithm>

namespace temblor::dsl::extractors {

// -- kv ---------------------------------------------------------------------
//
// Tremor's kv extractor (the tremor-kv crate): the pattern only supplies
// separators. Text before `%{key}` (or after the last `%{val}`) separates
// fields, text between `%{key}` and `%{val}` separates a key from its value;
// the defaults are a space and `:`. Input is split on every field separator,
// each piece on every key separator; pieces that do not split into exactly
// a key and a value are ignored, and the extractor matches only when at
// least one pair was found. Values stay strings.

bool compile_kv(const std::string& pat, kv_program& p, std::string& err) {
  static const std::string key = "%{key}";
  static const std::string val = "%{val}";
  size_t i = 0;
  while (i < pat.size()) {
    if (pat.compare(i, key.size(), key) == 0) {
      i += key.size();
      size_t v = pat.find(val, i);
      if (v == std::string::npos) {
        err = "Invalid kv pattern: `%{key}` at " + std::to_string(i - key.size()) +
              " has no `%{val}`";
        return false;
      }
      if (v != i)
        p.key_seps.push_back(pat.substr(i, v - i));
      i = v + val.size();
      continue;
    }
    size_t k = pat.find(key, i);
    if (k == std::string::npos) {
      p.field_seps.push_back(pat.substr(i));
      break;
    }
    p.field_seps.push_back(pat.substr(i, k - i));
    i = k;
  }
  if (p.field_seps.empty())
    p.field_seps.push_back(" ");
  if (p.key_seps.empty())
    p.key_seps.push_back(":");
  for (auto* v : {&p.field_seps, &p.key_seps}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return true;
}

namespace {

/// Splits `in` on each separator in turn (as tremor-kv does), keeping
/// empty pieces.
std::vector<std::string> multi_split(const std::string& in, const std::vector<std::string>& seps) {
  std::vector<std::string> parts{in};
  for (const auto& sep : seps) {
    std::vector<std::string> next;
    for (const auto& part : parts) {
      size_t start = 0;
      for (size_t at; (at = part.find(sep, start)) != std::string::npos; start = at + sep.size())
        next.push_back(part.substr(start, at - start));
      next.push_back(part.substr(start));
    }
    parts = std::move(next);
  }
  return parts;
}

} // namespace

bool run_kv(const kv_program& p, const std::string& s, value& out) {
  record r;
  bool any = false;
  for (const auto& field : multi_split(s, p.field_seps)) {
    auto kv = multi_split(field, p.key_seps);
    if (kv.size() != 2)
      continue;
    any = true;
    r.set(kv[0], value(kv[1]));
  }
  if (!any)
    return false;
  out = value(std::move(r));
  return true;
}

} // namespace temblor::dsl::extractors
