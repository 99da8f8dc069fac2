#include "dsl/extractors.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "dsl/chrono_time.hpp"
#include "dsl/json_text.hpp"
#include "dsl/regex.hpp"
#include "runtime/core/utf8.hpp"

namespace temblor::dsl {

namespace {

// -- dissect ----------------------------------------------------------------
//
// Tremor's dissect: literal delimiters between `%{…}` fields. A field takes
// the text up to the next delimiter (the rest of the input when last).
//   %{name}        capture              %{}  %{?name}  skip
//   %{+name}       append to name, joined by a space (or by the filler of
//                  the last padding passed)
//   %{&name}       key: the value the named skip `?name` saw names it
//   %{name:int}    convert (int, float, string); a bad number fails
//   %{name->}      swallow repeats of the following delimiter
//   %{_} %{_(s)}   padding: skips any run of spaces (or of `s`)
// A named skip is remembered for one `&` lookup but never output.

enum class dissect_conv : uint8_t { none, to_int, to_float, to_string };

struct dissect_token {
  enum class kind : uint8_t { literal, field, padding } k = kind::literal;
  std::string text;       ///< literal text, field name, or padding filler
  bool skip = false;      ///< `%{}` / `%{?name}`
  bool append = false;    ///< `%{+name}`
  bool lookup = false;    ///< `%{&name}`
  bool padded = false;    ///< `%{name->}`
  dissect_conv conv = dissect_conv::none;
};

struct dissect_program {
  std::vector<dissect_token> tokens;
};

bool compile_dissect_field(std::string name, dissect_token& t, std::string& err) {
  t.k = dissect_token::kind::field;
  if (name == "_" || (name.size() >= 3 && name.compare(0, 2, "_(") == 0 && name.back() == ')')) {
    t.k = dissect_token::kind::padding;
    t.text = name == "_" ? " " : name.substr(2, name.size() - 3);
    if (t.text.empty()) {
      err = "Invalid dissect pattern: empty padding";
      return false;
    }
    return true;
  }
  if (name.size() >= 2 && name.compare(name.size() - 2, 2, "->") == 0) {
    t.padded = true;
    name.resize(name.size() - 2);
  }
  size_t colon = name.rfind(':');
  if (colon != std::string::npos) {
    std::string type = name.substr(colon + 1);
    if (type == "int")
      t.conv = dissect_conv::to_int;
    else if (type == "float")
      t.conv = dissect_conv::to_float;
    else if (type == "string")
      t.conv = dissect_conv::to_string;
    else {
      err = "Invalid dissect pattern: unknown type `" + type + "`";
      return false;
    }
    name.resize(colon);
  }
  if (name.empty()) {
    t.skip = true;
  } else if (name[0] == '?') {
    t.skip = true;
    name.erase(0, 1);
  } else if (name[0] == '+') {
    t.append = true;
    name.erase(0, 1);
  } else if (name[0] == '&') {
    t.lookup = true;
    name.erase(0, 1);
  }
  if (name.empty() && !t.skip) {
    err = "Invalid dissect pattern: a field modifier needs a name";
    return false;
  }
  if (t.append && t.conv != dissect_conv::none) {
    err = "Invalid dissect pattern: an appended field can not have a type";
    return false;
  }
  t.text = std::move(name);
  return true;
}

bool compile_dissect(const std::string& body, dissect_program& p, std::string& err) {
  size_t i = 0;
  std::string lit;
  auto flush = [&] {
    if (!lit.empty()) {
      p.tokens.push_back(dissect_token{dissect_token::kind::literal, lit});
      lit.clear();
    }
  };
  while (i < body.size()) {
    if (body.compare(i, 2, "%{") == 0) {
      flush();
      size_t end = body.find('}', i + 2);
      if (end == std::string::npos) {
        err = "Invalid dissect pattern: unterminated `%{`";
        return false;
      }
      dissect_token t;
      if (!compile_dissect_field(body.substr(i + 2, end - i - 2), t, err))
        return false;
      // Two fields in a row would have no delimiter to split them on.
      if (t.k == dissect_token::kind::field && !p.tokens.empty() &&
          p.tokens.back().k == dissect_token::kind::field) {
        err = "Invalid dissect pattern: two fields without a delimiter";
        return false;
      }
      if (t.k == dissect_token::kind::padding && !p.tokens.empty() &&
          p.tokens.back().k == dissect_token::kind::padding) {
        err = "Invalid dissect pattern: a padding follows a padding";
        return false;
      }
      p.tokens.push_back(std::move(t));
      i = end + 1;
      continue;
    }
    lit.push_back(body[i++]);
  }
  flush();
  return true;
}

bool dissect_convert(const dissect_token& t, const std::string& raw, value& out) {
  switch (t.conv) {
    case dissect_conv::none:
    case dissect_conv::to_string: out = value(raw); return true;
    case dissect_conv::to_int: {
      if (raw.empty())
        return false;
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(raw.c_str(), &end, 10);
      if (*end != 0 || errno == ERANGE)
        return false;
      out = value(v);
      return true;
    }
    case dissect_conv::to_float: {
      if (raw.empty() || std::isspace(static_cast<unsigned char>(raw[0])))
        return false;
      char* end = nullptr;
      double v = std::strtod(raw.c_str(), &end);
      if (*end != 0)
        return false;
      out = value(v);
      return true;
    }
  }
  return false;
}

bool run_dissect(const dissect_program& p, const std::string& s, value& out) {
  using kind = dissect_token::kind;
  record r;
  std::map<std::string, std::string> skipped; // named skips, for `&` lookups
  std::string append_sep = " ";
  size_t pos = 0;
  for (size_t t = 0; t < p.tokens.size(); ++t) {
    const auto& tok = p.tokens[t];
    if (tok.k == kind::literal) {
      if (s.compare(pos, tok.text.size(), tok.text) != 0)
        return false;
      pos += tok.text.size();
      continue;
    }
    if (tok.k == kind::padding) {
      append_sep = tok.text;
      while (s.compare(pos, tok.text.size(), tok.text) == 0)
        pos += tok.text.size();
      continue;
    }
    std::string raw;
    if (t + 1 < p.tokens.size()) {
      const std::string& delim = p.tokens[t + 1].text;
      size_t end = s.find(delim, pos);
      if (end == std::string::npos) {
        // Padding may match nothing; a field before it may run to the end.
        if (p.tokens[t + 1].k != kind::padding)
          return false;
        end = s.size();
      }
      raw = s.substr(pos, end - pos);
      pos = end;
      if (tok.padded && p.tokens[t + 1].k == kind::literal) {
        // Leave exactly one delimiter for the literal that follows.
        while (s.compare(pos + delim.size(), delim.size(), delim) == 0)
          pos += delim.size();
      }
    } else {
      raw = s.substr(pos);
      pos = s.size();
    }
    if (tok.skip) {
      if (!tok.text.empty())
        skipped[tok.text] = raw;
      continue;
    }
    std::string key = tok.text;
    if (tok.lookup) {
      auto it = skipped.find(tok.text);
      if (it == skipped.end())
        return false;
      key = std::move(it->second);
      skipped.erase(it);
    }
    if (tok.append) {
      value* prev = r.find(key);
      if (prev) {
        if (!prev->is_string())
          return false;
        prev->as_string() += append_sep + raw;
        continue;
      }
    }
    value v;
    if (!dissect_convert(tok, raw, v))
      return false;
    r.set(key, std::move(v));
  }
  if (pos != s.size())
    return false;
  out = value(std::move(r));
  return true;
}

// -- glob -------------------------------------------------------------------
//
// Tremor compiles glob bodies with the Rust `glob` crate's `Pattern` and
// matches with its default options: case sensitive, and `*`, `?` and
// classes may match `/`. libc's fnmatch differs (`\` escapes, `[^…]`
// negation), so the crate's rules are implemented here on code points:
// `?` one character, `*` any run, `**` only as a whole path component
// (it resumes matching only after a `/`), `[…]` / `[!…]` classes of single
// characters and `a-z` ranges where a `]` right after the opening bracket
// is literal (so `[*]` and `[]]` escape), and every other character literal.

enum class glob_op : uint8_t { chr, any_char, any_seq, any_recursive, within, except };

struct glob_token {
  glob_op op = glob_op::chr;
  char32_t c = 0;
  std::vector<std::pair<char32_t, char32_t>> set; ///< inclusive ranges
};

struct glob_program {
  std::vector<glob_token> tokens;
};

/// Decodes UTF-8 into code points; a byte that starts no well-formed
/// sequence stands for itself, so any input can still be matched.
std::u32string decode_utf8(const std::string& s) {
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t bad = 0;
    size_t len = utf8_sequence_length(s, i, bad);
    auto b = static_cast<unsigned char>(s[i]);
    if (len == 0) {
      out.push_back(b);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::vector<std::pair<char32_t, char32_t>> glob_class(const std::u32string& s) {
  std::vector<std::pair<char32_t, char32_t>> set;
  size_t i = 0;
  while (i < s.size()) {
    if (i + 3 <= s.size() && s[i + 1] == U'-') {
      set.emplace_back(s[i], s[i + 2]);
      i += 3;
    } else {
      set.emplace_back(s[i], s[i]);
      ++i;
    }
  }
  return set;
}

bool compile_glob(const std::string& body, glob_program& p, std::string& err) {
  const std::u32string pat = decode_utf8(body);
  size_t i = 0;
  while (i < pat.size()) {
    char32_t c = pat[i];
    if (c == U'?') {
      p.tokens.push_back(glob_token{glob_op::any_char, 0, {}});
      ++i;
    } else if (c == U'*') {
      size_t start = i;
      while (i < pat.size() && pat[i] == U'*')
        ++i;
      size_t count = i - start;
      if (count > 2) {
        err = "Invalid glob pattern: wildcards are either regular `*` or recursive `**`";
        return false;
      }
      if (count == 1) {
        p.tokens.push_back(glob_token{glob_op::any_seq, 0, {}});
        continue;
      }
      // `**` must be a whole path component; its trailing `/` is part of it.
      if (start != 0 && pat[start - 1] != U'/') {
        err = "Invalid glob pattern: recursive wildcards must form a single path component";
        return false;
      }
      if (i < pat.size()) {
        if (pat[i] != U'/') {
          err = "Invalid glob pattern: recursive wildcards must form a single path component";
          return false;
        }
        ++i;
      }
      if (p.tokens.empty() || p.tokens.back().op != glob_op::any_recursive)
        p.tokens.push_back(glob_token{glob_op::any_recursive, 0, {}});
    } else if (c == U'[') {
      bool done = false;
      if (i + 4 <= pat.size() && pat[i + 1] == U'!') {
        size_t close = pat.find(U']', i + 3);
        if (close != std::u32string::npos) {
          p.tokens.push_back(
            glob_token{glob_op::except, 0, glob_class(pat.substr(i + 2, close - i - 2))});
          i = close + 1;
          done = true;
        }
      } else if (i + 3 <= pat.size() && pat[i + 1] != U'!') {
        size_t close = pat.find(U']', i + 2);
        if (close != std::u32string::npos) {
          p.tokens.push_back(
            glob_token{glob_op::within, 0, glob_class(pat.substr(i + 1, close - i - 1))});
          i = close + 1;
          done = true;
        }
      }
      if (!done) {
        err = "Invalid glob pattern: invalid range pattern";
        return false;
      }
    } else {
      p.tokens.push_back(glob_token{glob_op::chr, c, {}});
      ++i;
    }
  }
  return true;
}

bool in_glob_class(const glob_token& t, char32_t c) {
  for (const auto& [lo, hi] : t.set)
    if (lo <= c && c <= hi)
      return true;
  return false;
}

enum class glob_result : uint8_t { match, sub_fails, all_fail };

/// Matches tokens[ti..] against s[si..]; `all_fail` ends the search early
/// once the input ran out, as no other split of a `*` could help then.
glob_result glob_from(const glob_program& p, size_t ti, const std::u32string& s, size_t si) {
  for (; ti < p.tokens.size(); ++ti) {
    const glob_token& t = p.tokens[ti];
    if (t.op == glob_op::any_seq || t.op == glob_op::any_recursive) {
      auto r = glob_from(p, ti + 1, s, si);
      if (r != glob_result::sub_fails)
        return r;
      while (si < s.size()) {
        char32_t c = s[si++];
        if (t.op == glob_op::any_recursive && c != U'/')
          continue;
        r = glob_from(p, ti + 1, s, si);
        if (r != glob_result::sub_fails)
          return r;
      }
      continue; // input exhausted: the rest must match the empty string
    }
    if (si >= s.size())
      return glob_result::all_fail;
    char32_t c = s[si++];
    bool ok = t.op == glob_op::any_char || (t.op == glob_op::chr && t.c == c) ||
              (t.op == glob_op::within && in_glob_class(t, c)) ||
              (t.op == glob_op::except && !in_glob_class(t, c));
    if (!ok)
      return glob_result::sub_fails;
  }
  return si == s.size() ? glob_result::match : glob_result::sub_fails;
}

bool run_glob(const glob_program& p, const std::string& s) {
  return glob_from(p, 0, decode_utf8(s), 0) == glob_result::match;
}

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
//
// Tremor's kv extractor (the tremor-kv crate): the pattern only supplies
// separators. Text before `%{key}` (or after the last `%{val}`) separates
// fields, text between `%{key}` and `%{val}` separates a key from its value;
// the defaults are a space and `:`. Input is split on every field separator,
// each piece on every key separator; pieces that do not split into exactly
// a key and a value are ignored, and the extractor matches only when at
// least one pair was found. Values stay strings.

struct kv_program {
  std::vector<std::string> field_seps;
  std::vector<std::string> key_seps;
};

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

// -- base64 -----------------------------------------------------------------
//
// Tremor decodes with the base64 crate's standard engine (canonical
// padding, zero trailing bits) and then requires the bytes to be UTF-8,
// yielding a string.

bool b64_decode(const std::string& in, std::string& out) {
  static const std::string chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (in.size() % 4 != 0)
    return false;
  size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=')
    ++pad;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i + pad < in.size(); ++i) {
    size_t v = chars.find(in[i]);
    if (v == std::string::npos)
      return false; // also a `=` before the end
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Bits left over from the last symbol must be zero.
  return bits == 0 || (acc & ((1u << bits) - 1)) == 0;
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0, bad = 0; i < s.size();) {
    size_t len = utf8_sequence_length(s, i, bad);
    if (len == 0)
      return false;
    i += len;
  }
  return true;
}

// -- cidr -------------------------------------------------------------------
//
// Tremor parses the value as a CIDR (cidr-utils): an address with an
// optional `/bits`, whose host bits must be zero. It yields `prefix` and
// `mask` as octets (IPv4) or 16-bit segments (IPv6). A body lists ranges
// (comma separated); the value must then fall into one of them.

struct ip_net {
  bool v6 = false;
  std::array<uint8_t, 16> addr{}; ///< IPv4 uses the first 4 bytes
  unsigned bits = 0;
};

bool parse_ip(const std::string& s, ip_net& n) {
  if (s.find(':') != std::string::npos) {
    n.v6 = true;
    return inet_pton(AF_INET6, s.c_str(), n.addr.data()) == 1;
  }
  n.v6 = false;
  return inet_pton(AF_INET, s.c_str(), n.addr.data()) == 1;
}

/// `addr[/bits]`; bits default to the full width.
bool parse_net(const std::string& s, ip_net& n) {
  size_t slash = s.find('/');
  if (!parse_ip(s.substr(0, slash), n))
    return false;
  unsigned width = n.v6 ? 128 : 32;
  n.bits = width;
  if (slash != std::string::npos) {
    std::string b = s.substr(slash + 1);
    if (b.empty() || b.size() > 3 || b.find_first_not_of("0123456789") != std::string::npos)
      return false;
    n.bits = static_cast<unsigned>(std::stoul(b));
    if (n.bits > width)
      return false;
  }
  return true;
}

std::array<uint8_t, 16> net_mask(const ip_net& n) {
  std::array<uint8_t, 16> m{};
  for (unsigned i = 0; i < 16; ++i) {
    unsigned have = n.bits > i * 8 ? n.bits - i * 8 : 0;
    m[i] = have >= 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - have));
  }
  return m;
}

bool net_contains(const ip_net& net, const ip_net& ip) {
  if (net.v6 != ip.v6)
    return false;
  auto m = net_mask(net);
  for (size_t i = 0; i < 16; ++i)
    if ((net.addr[i] & m[i]) != (ip.addr[i] & m[i]))
      return false;
  return true;
}

std::string trim_spaces(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos)
    return "";
  size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

struct cidr_program {
  std::vector<ip_net> ranges;
};

bool compile_cidr(const std::string& body, cidr_program& p, std::string& err) {
  if (trim_spaces(body).empty())
    return true;
  size_t start = 0;
  while (true) {
    size_t comma = body.find(',', start);
    std::string range = trim_spaces(
      body.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    ip_net n;
    if (!parse_net(range, n)) {
      err = "Invalid cidr range `" + range + "`";
      return false;
    }
    p.ranges.push_back(n);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return true;
}

bool run_cidr(const cidr_program& p, const std::string& s, value& out) {
  ip_net n;
  if (!parse_net(s, n))
    return false;
  auto mask = net_mask(n);
  for (size_t i = 0; i < 16; ++i)
    if ((n.addr[i] & ~mask[i]) != 0)
      return false; // host bits set: not a CIDR
  if (!p.ranges.empty() &&
      std::none_of(p.ranges.begin(), p.ranges.end(),
                   [&](const ip_net& r) { return net_contains(r, n); }))
    return false;
  auto parts = [&](const std::array<uint8_t, 16>& a) {
    array out;
    if (n.v6) {
      for (size_t i = 0; i < 16; i += 2)
        out.push_back(value(static_cast<long long>((a[i] << 8) | a[i + 1])));
    } else {
      for (size_t i = 0; i < 4; ++i)
        out.push_back(value(static_cast<long long>(a[i])));
    }
    return out;
  };
  record r;
  r.set("prefix", value(parts(n.addr)));
  r.set("mask", value(parts(mask)));
  out = value(std::move(r));
  return true;
}

// -- influx -----------------------------------------------------------------
//
// One line of InfluxDB line protocol, decoded like tremor-influx:
// `measurement[,tag=v…] field=v[,…] [timestamp]`. Backslash escapes a
// `,`, `=` or space in names and tags; string fields are double quoted
// (`\"`, `\\` inside). Field values: `…i` integer, t/T/true/True/TRUE and
// f/F/false/False/FALSE booleans, otherwise a float; anything else fails.
// Blank and `#` comment lines do not match.

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

enum class ex_kind { dissect, glob, re, rerg, json, base64, kv, cidr, influx, datetime };

struct compiled {
  ex_kind kind;
  dissect_program dissect;
  glob_program glob;
  kv_program kv;
  cidr_program cidr;
  regex re;
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
    if (!compile_glob(p.body, c->glob, err))
      return false;
  } else if (n == "re" || n == "rerg") {
    c->kind = n == "re" ? ex_kind::re : ex_kind::rerg;
    if (!c->re.compile(p.body, err))
      return false;
  } else if (n == "grok") {
    c->kind = ex_kind::re;
    std::string expanded;
    if (!expand_grok(p.body, expanded, 0, err) || !c->re.compile(expanded, err))
      return false;
  } else if (n == "json") {
    c->kind = ex_kind::json;
  } else if (n == "base64") {
    c->kind = ex_kind::base64;
  } else if (n == "kv") {
    c->kind = ex_kind::kv;
    if (!compile_kv(p.body, c->kv, err))
      return false;
  } else if (n == "cidr") {
    c->kind = ex_kind::cidr;
    if (!compile_cidr(p.body, c->cidr, err))
      return false;
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
  // Tremor's extractors only look at strings; bytes and the rest never match.
  const std::string* s = in.is_string() ? &in.as_string() : nullptr;
  if (!c || !s)
    return false;
  switch (c->kind) {
    case ex_kind::dissect: return run_dissect(c->dissect, *s, out);
    case ex_kind::glob:
      if (!run_glob(c->glob, *s))
        return false;
      out = in;
      return true;
    case ex_kind::re: return run_re(c->re, *s, out);
    case ex_kind::rerg: return run_rerg(c->re, *s, out);
    case ex_kind::json: {
      std::string err;
      return from_json(*s, out, err);
    }
    case ex_kind::base64: {
      std::string d;
      if (!b64_decode(*s, d) || !valid_utf8(d))
        return false;
      out = value(std::move(d));
      return true;
    }
    case ex_kind::kv: return run_kv(c->kv, *s, out);
    case ex_kind::cidr: return run_cidr(c->cidr, *s, out);
    case ex_kind::influx: return run_influx(*s, out);
    case ex_kind::datetime: {
      // chrono's parser, as Tremor's: offsets (%z, %:z) are folded into UTC.
      int64_t ns = 0;
      std::string err;
      if (!chrono_time::parse(*s, p.body, ns, err))
        return false;
      out = value(static_cast<long long>(ns));
      return true;
    }
  }
  return false;
}

} // namespace temblor::dsl
