#include "dsl/extractors/extractor_programs.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>

namespace temblor::dsl::extractors {

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

namespace {

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

} // namespace

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

namespace {

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

} // namespace

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

} // namespace temblor::dsl::extractors
