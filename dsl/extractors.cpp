#include "dsl/extractors.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <regex>

#include "dsl/json_text.hpp"

namespace temblor::dsl {

namespace {

// -- dissect ----------------------------------------------------------------

struct dissect_token {
  bool is_field = false;
  std::string text; ///< literal, or field name
  bool skip = false;   ///< `%{?name}` / `%{}`
  bool append = false; ///< `%{+name}`
  bool padded = false; ///< `%{name->}` consumes repeated delimiters
};

struct dissect_program {
  std::vector<dissect_token> tokens;
};

bool compile_dissect(const std::string& body, dissect_program& p, std::string& err) {
  size_t i = 0;
  std::string lit;
  while (i < body.size()) {
    if (body.compare(i, 2, "%{") == 0) {
      if (!lit.empty()) {
        p.tokens.push_back(dissect_token{false, lit});
        lit.clear();
      }
      size_t end = body.find('}', i + 2);
      if (end == std::string::npos) {
        err = "Invalid dissect pattern: unterminated `%{`";
        return false;
      }
      dissect_token t;
      t.is_field = true;
      std::string name = body.substr(i + 2, end - i - 2);
      if (name.size() >= 2 && name.compare(name.size() - 2, 2, "->") == 0) {
        t.padded = true;
        name.resize(name.size() - 2);
      }
      if (name.empty() || name[0] == '?') {
        t.skip = true;
        if (!name.empty())
          name.erase(0, 1);
      } else if (name[0] == '+') {
        t.append = true;
        name.erase(0, 1);
      }
      t.text = name;
      if (!p.tokens.empty() && p.tokens.back().is_field) {
        err = "Invalid dissect pattern: two fields without a delimiter";
        return false;
      }
      p.tokens.push_back(std::move(t));
      i = end + 1;
      continue;
    }
    lit.push_back(body[i++]);
  }
  if (!lit.empty())
    p.tokens.push_back(dissect_token{false, lit});
  return true;
}

bool run_dissect(const dissect_program& p, const std::string& s, value& out) {
  record r;
  size_t pos = 0;
  for (size_t t = 0; t < p.tokens.size(); ++t) {
    const auto& tok = p.tokens[t];
    if (!tok.is_field) {
      if (s.compare(pos, tok.text.size(), tok.text) != 0)
        return false;
      pos += tok.text.size();
      continue;
    }
    std::string val;
    if (t + 1 < p.tokens.size()) {
      const std::string& delim = p.tokens[t + 1].text;
      size_t end = s.find(delim, pos);
      if (end == std::string::npos)
        return false;
      val = s.substr(pos, end - pos);
      pos = end;
      if (tok.padded) {
        // Swallow repeated delimiters so the next literal matches the last one.
        while (s.compare(pos + delim.size(), delim.size(), delim) == 0)
          pos += delim.size();
      }
    } else {
      val = s.substr(pos);
      pos = s.size();
    }
    if (tok.skip)
      continue;
    if (tok.append) {
      value* prev = r.find(tok.text);
      if (prev && prev->is_string()) {
        prev->as_string() += " " + val;
        continue;
      }
    }
    r.set(tok.text, value(val));
  }
  if (pos != s.size())
    return false;
  out = value(std::move(r));
  return true;
}

// -- glob -------------------------------------------------------------------

bool glob_match(const char* p, const char* s) {
  const char* star = nullptr;
  const char* ss = nullptr;
  while (*s) {
    if (*p == '?' || *p == *s) {
      ++p;
      ++s;
    } else if (*p == '*') {
      star = p++;
      ss = s;
    } else if (star) {
      p = star + 1;
      s = ++ss;
    } else {
      return false;
    }
  }
  while (*p == '*')
    ++p;
  return *p == 0;
}

// -- re ---------------------------------------------------------------------

struct re_program {
  std::regex re;
  std::vector<std::pair<size_t, std::string>> names; ///< group index -> name
};

bool compile_re(const std::string& body, re_program& p, std::string& err) {
  // std::regex has no named groups: strip `(?P<name>` / `(?<name>` and remember
  // which capture index each name had.
  std::string out;
  size_t group = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\\' && i + 1 < body.size()) {
      out.push_back(c);
      out.push_back(body[++i]);
      continue;
    }
    if (c == '(') {
      if (body.compare(i, 4, "(?P<") == 0 || (body.compare(i, 3, "(?<") == 0 &&
                                               i + 3 < body.size() && body[i + 3] != '=' &&
                                               body[i + 3] != '!')) {
        size_t start = body[i + 2] == 'P' ? i + 4 : i + 3;
        size_t end = body.find('>', start);
        if (end == std::string::npos) {
          err = "Invalid regular expression: unterminated group name";
          return false;
        }
        ++group;
        p.names.emplace_back(group, body.substr(start, end - start));
        out.push_back('(');
        i = end;
        continue;
      }
      if (body.compare(i, 2, "(?") != 0)
        ++group;
    }
    out.push_back(c);
  }
  try {
    p.re = std::regex(out, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    err = std::string("Invalid regular expression: ") + e.what();
    return false;
  }
  return true;
}

// -- grok -------------------------------------------------------------------

// The common grok patterns, as ECMAScript regexes; `%{NAME}` references are
// expanded recursively.
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
    {"DATA", "[\\s\\S]*?"},
    {"GREEDYDATA", "[\\s\\S]*"},
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

// -- kv ---------------------------------------------------------------------

bool run_kv(const std::string& s, value& out) {
  record r;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ')
      ++i;
    if (i >= s.size())
      break;
    size_t end = s.find(' ', i);
    std::string pair = s.substr(i, end == std::string::npos ? std::string::npos : end - i);
    size_t eq = pair.find(':');
    if (eq == std::string::npos)
      eq = pair.find('=');
    if (eq == std::string::npos)
      return false;
    r.set(pair.substr(0, eq), value(pair.substr(eq + 1)));
    if (end == std::string::npos)
      break;
    i = end + 1;
  }
  out = value(std::move(r));
  return true;
}

// -- base64 -----------------------------------------------------------------

bool b64_decode(const std::string& in, std::string& out) {
  static const std::string chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=')
      break;
    size_t v = chars.find(c);
    if (v == std::string::npos)
      return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

// -- cidr -------------------------------------------------------------------

bool parse_ipv4(const std::string& s, uint32_t& ip) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  char extra = 0;
  if (std::sscanf(s.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4 || a > 255 ||
      b > 255 || c > 255 || d > 255)
    return false;
  ip = (a << 24) | (b << 16) | (c << 8) | d;
  return true;
}

bool run_cidr(const std::string& body, const std::string& s, value& out) {
  std::string addr = s;
  unsigned prefix = 32;
  size_t slash = s.find('/');
  if (slash != std::string::npos) {
    addr = s.substr(0, slash);
    prefix = static_cast<unsigned>(std::atoi(s.c_str() + slash + 1));
    if (prefix > 32)
      return false;
  }
  uint32_t ip = 0;
  if (!parse_ipv4(addr, ip))
    return false;
  if (!body.empty()) {
    // The body lists allowed ranges; the value must fall into one.
    bool any = false;
    size_t start = 0;
    while (start <= body.size()) {
      size_t comma = body.find(',', start);
      std::string range = body.substr(start, comma == std::string::npos ? std::string::npos
                                                                        : comma - start);
      while (!range.empty() && range.front() == ' ')
        range.erase(0, 1);
      while (!range.empty() && range.back() == ' ')
        range.pop_back();
      size_t sl = range.find('/');
      uint32_t net = 0;
      unsigned bits = 32;
      if (sl != std::string::npos) {
        bits = static_cast<unsigned>(std::atoi(range.c_str() + sl + 1));
        range = range.substr(0, sl);
      }
      if (parse_ipv4(range, net)) {
        uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
        if ((ip & mask) == (net & mask))
          any = true;
      }
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
    if (!any)
      return false;
  }
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  auto quad = [](uint32_t v) {
    return array{value(static_cast<long long>(v >> 24)), value(static_cast<long long>((v >> 16) & 255)),
                 value(static_cast<long long>((v >> 8) & 255)), value(static_cast<long long>(v & 255))};
  };
  record r;
  r.set("prefix", value(quad(ip)));
  r.set("mask", value(quad(mask)));
  out = value(std::move(r));
  return true;
}

// -- influx -----------------------------------------------------------------

bool split_unescaped(const std::string& s, char sep, std::vector<std::string>& out) {
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      cur.push_back(s[++i]);
      continue;
    }
    if (c == '"')
      quoted = !quoted;
    if (c == sep && !quoted) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur.push_back(c);
  }
  out.push_back(cur);
  return true;
}

value influx_field(const std::string& v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
    return value(v.substr(1, v.size() - 2));
  if (v == "t" || v == "T" || v == "true" || v == "True")
    return value(true);
  if (v == "f" || v == "F" || v == "false" || v == "False")
    return value(false);
  if (!v.empty() && (v.back() == 'i' || v.back() == 'u'))
    return value(std::strtoll(v.c_str(), nullptr, 10));
  return value(std::strtod(v.c_str(), nullptr));
}

bool run_influx(const std::string& s, value& out) {
  std::vector<std::string> parts;
  split_unescaped(s, ' ', parts);
  if (parts.size() < 2)
    return false;
  std::vector<std::string> head;
  split_unescaped(parts[0], ',', head);
  record tags, fields;
  for (size_t i = 1; i < head.size(); ++i) {
    size_t eq = head[i].find('=');
    if (eq == std::string::npos)
      return false;
    tags.set(head[i].substr(0, eq), value(head[i].substr(eq + 1)));
  }
  std::vector<std::string> fs;
  split_unescaped(parts[1], ',', fs);
  for (auto& f : fs) {
    size_t eq = f.find('=');
    if (eq == std::string::npos)
      return false;
    fields.set(f.substr(0, eq), influx_field(f.substr(eq + 1)));
  }
  record r;
  r.set("measurement", value(head[0]));
  r.set("tags", value(std::move(tags)));
  r.set("fields", value(std::move(fields)));
  r.set("timestamp", parts.size() > 2 ? value(std::strtoll(parts[2].c_str(), nullptr, 10)) : value());
  out = value(std::move(r));
  return true;
}

enum class ex_kind { dissect, glob, re, json, base64, kv, cidr, influx, datetime };

struct compiled {
  ex_kind kind;
  dissect_program dissect;
  re_program re;
};

} // namespace

bool compile_extractor(pattern& p, std::string& err) {
  auto c = std::make_shared<compiled>();
  const std::string& n = p.name;
  if (n == "dissect") {
    c->kind = ex_kind::dissect;
    if (!compile_dissect(p.body, c->dissect, err))
      return false;
  } else if (n == "glob") {
    c->kind = ex_kind::glob;
  } else if (n == "re" || n == "rerg") {
    c->kind = ex_kind::re;
    if (!compile_re(p.body, c->re, err))
      return false;
  } else if (n == "grok") {
    c->kind = ex_kind::re;
    std::string expanded;
    if (!expand_grok(p.body, expanded, 0, err) || !compile_re(expanded, c->re, err))
      return false;
  } else if (n == "json") {
    c->kind = ex_kind::json;
  } else if (n == "base64") {
    c->kind = ex_kind::base64;
  } else if (n == "kv") {
    c->kind = ex_kind::kv;
  } else if (n == "cidr") {
    c->kind = ex_kind::cidr;
  } else if (n == "influx") {
    c->kind = ex_kind::influx;
  } else if (n == "datetime") {
    c->kind = ex_kind::datetime;
  } else {
    err = "Unknown extractor `" + n + "`";
    return false;
  }
  p.compiled = c;
  return true;
}

bool run_extractor(const pattern& p, const value& in, value& out) {
  auto* c = static_cast<const compiled*>(p.compiled.get());
  const std::string* s = in.get_text();
  if (!c || !s)
    return false;
  switch (c->kind) {
    case ex_kind::dissect: return run_dissect(c->dissect, *s, out);
    case ex_kind::glob:
      if (!glob_match(p.body.c_str(), s->c_str()))
        return false;
      out = in;
      return true;
    case ex_kind::re: {
      std::smatch m;
      if (!std::regex_search(*s, m, c->re.re))
        return false;
      record r;
      for (const auto& [idx, name] : c->re.names)
        if (idx < m.size() && m[idx].matched)
          r.set(name, value(m[idx].str()));
      out = value(std::move(r));
      return true;
    }
    case ex_kind::json: {
      std::string err;
      return from_json(*s, out, err);
    }
    case ex_kind::base64: {
      std::string d;
      if (!b64_decode(*s, d))
        return false;
      out = value(std::move(d));
      return true;
    }
    case ex_kind::kv: return run_kv(*s, out);
    case ex_kind::cidr: return run_cidr(p.body, *s, out);
    case ex_kind::influx: return run_influx(*s, out);
    case ex_kind::datetime: {
      struct tm tm {};
      const char* end = strptime(s->c_str(), p.body.c_str(), &tm);
      if (!end || *end != 0)
        return false;
      out = value(static_cast<long long>(timegm(&tm)) * 1000000000LL);
      return true;
    }
  }
  return false;
}

} // namespace temblor::dsl
