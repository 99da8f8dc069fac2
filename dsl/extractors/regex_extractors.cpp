#include "dsl/extractors/extractor_programs.hpp"

#include <map>

namespace temblor::dsl::extractors {

// -- re ---------------------------------------------------------------------
//
// Tremor uses Rust's `regex` crate; dsl/regex.hpp gives its syntax and
// semantics on RE2 (linear time, so hostile input cannot crash us).

/// `re`: the first match; each named group that took part maps to its text.
bool run_re(const regex& re, const std::string& s, value& out) {
  regex::captures m;
  if (!re.first(s, m))
    return false;
  record r;
  for (const auto& [idx, name] : re.named_groups())
    if (idx < m.size() && m[idx].data())
      r.set(name, value(std::string(m[idx])));
  out = value(std::move(r));
  return true;
}

/// `rerg`: every match; each named group collects the texts it took, in
/// order, as an array. Like Tremor, it matches even when nothing is found
/// (the record is then empty).
bool run_rerg(const regex& re, const std::string& s, value& out) {
  record r;
  re.for_each(s, [&](const regex::captures& m) {
    for (const auto& [idx, name] : re.named_groups()) {
      if (idx >= m.size() || !m[idx].data())
        continue;
      value text{std::string(m[idx])};
      value* prev = r.find(name);
      if (prev && prev->is_array())
        prev->as_array().push_back(std::move(text));
      else
        r.set(name, value(array{std::move(text)}));
    }
    return true;
  });
  out = value(std::move(r));
  return true;
}

// -- grok -------------------------------------------------------------------

namespace {

// Marks the second and later uses of a field name: RE2 wants unique group
// names, grok reuses them across alternatives (`%{A:ts}|%{B:ts}`).
constexpr const char* dup_mark = "__grokdup";

bool expand(const std::string& in, std::string& out, int depth, std::map<std::string, int>& fields,
            std::string& err) {
  if (depth > 16) {
    err = "Invalid grok pattern: references nest too deeply";
    return false;
  }
  size_t i = 0;
  while (i < in.size()) {
    if (in.compare(i, 2, "%{") != 0) {
      out.push_back(in[i++]);
      continue;
    }
    size_t end = in.find('}', i);
    if (end == std::string::npos) {
      err = "Invalid grok pattern: unterminated `%{`";
      return false;
    }
    std::string ref = in.substr(i + 2, end - i - 2);
    std::string name = ref, field;
    size_t colon = ref.find(':');
    if (colon != std::string::npos) {
      name = ref.substr(0, colon);
      field = ref.substr(colon + 1);
      size_t type = field.find(':');
      if (type != std::string::npos)
        field.resize(type);
    }
    auto it = grok_patterns().find(name);
    if (it == grok_patterns().end()) {
      err = "Unknown grok pattern `" + name + "`";
      return false;
    }
    if (field.empty()) {
      out += "(?:";
    } else {
      int uses = ++fields[field];
      out += "(?P<" + field + (uses > 1 ? dup_mark + std::to_string(uses) : std::string()) + ">";
    }
    if (!expand(it->second, out, depth + 1, fields, err))
      return false;
    out += ")";
    i = end + 1;
  }
  return true;
}

} // namespace

bool expand_grok(const std::string& in, std::string& out, std::string& err) {
  std::map<std::string, int> fields;
  return expand(in, out, 0, fields, err);
}

bool run_grok(const regex& re, const std::string& s, value& out) {
  value raw;
  if (!run_re(re, s, raw))
    return false;
  record r;
  for (const auto& [k, v] : raw.as_record()) {
    size_t mark = k.find(dup_mark);
    std::string name = mark == std::string::npos ? k : k.substr(0, mark);
    if (!r.find(name))
      r.set(name, v);
  }
  out = value(std::move(r));
  return true;
}

} // namespace temblor::dsl::extractors
