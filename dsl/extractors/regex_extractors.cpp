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

// The common grok patterns, in the Rust/RE2 syntax (no backreferences or
// lookaround); `%{NAME}` references are expanded recursively.
const std::map<std::string, std::string>& grok_patterns() {
  static const std::map<std::string, std::string> p = {
    {"USERNAME", "[a-zA-Z0-9._-]+"},
    {"USER", "%{USERNAME}"},
    {"INT", "(?:[+-]?(?:[0-9]+))"},
    {"BASE10NUM", "(?:[+-]?(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+))"},
    {"NUMBER", "(?:%{BASE10NUM})"},
    {"POSINT", "\\b(?:[1-9][0-9]*)\\b"},
    {"NONNEGINT", "\\b(?:[0-9]+)\\b"},
    {"WORD", "\\b\\w+\\b"},
    {"NOTSPACE", "\\S+"},
    {"SPACE", "\\s*"},
    {"DATA", "(?s:.*?)"},
    {"GREEDYDATA", "(?s:.*)"},
    {"QUOTEDSTRING", "\"(?:[^\"\\\\]|\\\\.)*\""},
    {"UUID", "[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}"},
    {"IPV4", "(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)"},
    {"IP", "%{IPV4}"},
    {"HOSTNAME", "\\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*\\.?"},
    {"IPORHOST", "(?:%{IP}|%{HOSTNAME})"},
    {"HOSTPORT", "%{IPORHOST}:%{POSINT}"},
    {"PATH", "(?:/[^\\s]*)+"},
    {"LOGLEVEL", "(?:[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|[Aa]lert|ALERT|[Ee]merg(?:ency)?|EMERG(?:ENCY)?)"},
    {"TIMESTAMP_ISO8601", "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:?\\d{2}(?::?\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?"},
    {"HTTPDATE", "\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}"},
  };
  return p;
}

} // namespace

bool expand_grok(const std::string& in, std::string& out, int depth, std::string& err) {
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
    out += field.empty() ? "(?:" : "(?P<" + field + ">";
    if (!expand_grok(it->second, out, depth + 1, err))
      return false;
    out += ")";
    i = end + 1;
  }
  return true;
}

} // namespace temblor::dsl::extractors
