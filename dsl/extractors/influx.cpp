#include "dsl/extractors/extractor_programs.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace temblor::dsl::extractors {

// -- influx -----------------------------------------------------------------
//
// One line of InfluxDB line protocol, decoded like tremor-influx:
// `measurement[,tag=v…] field=v[,…] [timestamp]`. Backslash escapes a
// `,`, `=` or space in names and tags; string fields are double quoted
// (`\"`, `\\` inside). Field values: `…i` integer, t/T/true/True/TRUE and
// f/F/false/False/FALSE booleans, otherwise a float; anything else fails.
// Blank and `#` comment lines do not match.

namespace {

struct influx_reader {
  const std::string& s;
  size_t i = 0;

  bool at_end() const { return i >= s.size(); }

  /// Reads up to an unescaped character of `stops`, unescaping `\x`.
  std::string token(const char* stops) {
    std::string out;
    while (i < s.size() && std::strchr(stops, s[i]) == nullptr) {
      if (s[i] == '\\' && i + 1 < s.size() && std::strchr(",= \\\"", s[i + 1]) != nullptr)
        ++i;
      out.push_back(s[i++]);
    }
    return out;
  }
};

bool influx_number(const std::string& v, value& out) {
  static const char* const trues[] = {"t", "T", "true", "True", "TRUE"};
  static const char* const falses[] = {"f", "F", "false", "False", "FALSE"};
  for (const char* t : trues)
    if (v == t) {
      out = value(true);
      return true;
    }
  for (const char* f : falses)
    if (v == f) {
      out = value(false);
      return true;
    }
  if (v.empty() || std::isspace(static_cast<unsigned char>(v[0])))
    return false;
  char* end = nullptr;
  errno = 0;
  if (v.back() == 'i') {
    std::string digits = v.substr(0, v.size() - 1);
    long long n = std::strtoll(digits.c_str(), &end, 10);
    if (digits.empty() || *end != 0 || errno == ERANGE)
      return false;
    out = value(n);
    return true;
  }
  double d = std::strtod(v.c_str(), &end);
  if (*end != 0)
    return false;
  out = value(d);
  return true;
}

} // namespace

bool run_influx(const std::string& line, value& out) {
  const std::string s = trim_spaces(line);
  if (s.empty() || s[0] == '#')
    return false;
  influx_reader rd{s};
  std::string measurement = rd.token(", ");
  if (measurement.empty())
    return false;
  record tags, fields;
  while (!rd.at_end() && s[rd.i] == ',') {
    ++rd.i;
    std::string k = rd.token("=, ");
    if (rd.at_end() || s[rd.i] != '=' || k.empty())
      return false;
    ++rd.i;
    tags.set(k, value(rd.token(", ")));
  }
  if (rd.at_end() || s[rd.i] != ' ')
    return false;
  ++rd.i;
  while (true) {
    std::string k = rd.token("=, ");
    if (rd.at_end() || s[rd.i] != '=' || k.empty())
      return false;
    ++rd.i;
    value v;
    if (!rd.at_end() && s[rd.i] == '"') {
      std::string str;
      ++rd.i;
      while (!rd.at_end() && s[rd.i] != '"') {
        if (s[rd.i] == '\\' && rd.i + 1 < s.size() && (s[rd.i + 1] == '"' || s[rd.i + 1] == '\\'))
          ++rd.i;
        str.push_back(s[rd.i++]);
      }
      if (rd.at_end())
        return false; // unterminated string
      ++rd.i;
      v = value(std::move(str));
    } else if (!influx_number(rd.token(", "), v)) {
      return false;
    }
    fields.set(k, std::move(v));
    if (rd.at_end() || s[rd.i] == ' ')
      break;
    if (s[rd.i] != ',')
      return false;
    ++rd.i;
  }
  value ts; // Tremor uses the event's ingest time here; extractors do not see it
  if (!rd.at_end()) {
    std::string t = s.substr(rd.i + 1);
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || std::isspace(static_cast<unsigned char>(t[0])) || *end != 0 ||
        errno == ERANGE)
      return false;
    ts = value(n);
  }
  record r;
  r.set("measurement", value(std::move(measurement)));
  r.set("tags", value(std::move(tags)));
  r.set("fields", value(std::move(fields)));
  r.set("timestamp", std::move(ts));
  out = value(std::move(r));
  return true;
}

} // namespace temblor::dsl::extractors
