#include "codecs/yaml.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "codecs/config.hpp"
#include "codecs/json.hpp"
#include "codecs/processors/base64.hpp"
#include "codecs/utf8.hpp"

namespace temblor::codecs {

namespace {

// -- scalar resolution --------------------------------------------------------

bool all_digits(std::string_view s, int base) {
  if (s.empty())
    return false;
  for (char c : s) {
    bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
              : base == 8 ? (c >= '0' && c <= '7')
                          : (c >= '0' && c <= '9');
    if (!ok)
      return false;
  }
  return true;
}

bool resolve_int(std::string_view s, value& out) {
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  int base = 10;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o')) {
    if (s[0] == '-' || s[0] == '+')
      return false; // the core schema has no signed hex/octal
    base = body[1] == 'x' ? 16 : 8;
    body.remove_prefix(2);
  }
  if (!all_digits(body, base))
    return false;
  uint64_t u = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), u, base);
  if (r.ec != std::errc{} || r.ptr != body.data() + body.size())
    return false; // too big: left to the float/string rules
  if (!negative) {
    out = value{static_cast<unsigned long long>(u)};
    return true;
  }
  if (u > static_cast<uint64_t>(INT64_MAX) + 1)
    return false;
  out = value{static_cast<long long>(u == static_cast<uint64_t>(INT64_MAX) + 1
                                         ? INT64_MIN
                                         : -static_cast<int64_t>(u))};
  return true;
}

bool resolve_float(std::string_view s, value& out) {
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    out = value{negative ? -HUGE_VAL : HUGE_VAL};
    return true;
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    out = value{std::nan("")};
    return true;
  }
  // [0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?  or  \.[0-9]+([eE][-+]?[0-9]+)?
  size_t i = 0;
  size_t int_digits = 0, frac_digits = 0;
  while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])))
    ++i, ++int_digits;
  bool dot = i < body.size() && body[i] == '.';
  if (dot) {
    ++i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])))
      ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0)
    return false;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '-' || body[i] == '+'))
      ++i;
    size_t exp_digits = 0;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])))
      ++i, ++exp_digits;
    if (exp_digits == 0)
      return false;
  }
  if (i != body.size())
    return false;
  double d = 0;
  std::string text(body);
  if (text[0] == '.')
    text.insert(text.begin(), '0');
  auto r = std::from_chars(text.data(), text.data() + text.size(), d);
  if (r.ec == std::errc::result_out_of_range)
    d = HUGE_VAL;
  else if (r.ec != std::errc{})
    return false;
  out = value{negative ? -d : d};
  return true;
}

bool is_null_word(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// What a plain scalar means under the core schema.
value resolve_plain(const std::string& s) {
  if (is_null_word(s))
    return value{};
  if (s == "true" || s == "True" || s == "TRUE")
    return value{true};
  if (s == "false" || s == "False" || s == "FALSE")
    return value{false};
  value v;
  if (resolve_int(s, v) || resolve_float(s, v))
    return v;
  return value{s};
}

// -- event handler ------------------------------------------------------------

struct yaml_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Aliases copy their anchor's value; this caps the copies so a few lines of
// nested aliases ("billion laughs") cannot expand without bound.
constexpr size_t alias_budget = 1'000'000;

size_t node_count(const value& v) {
  size_t n = 1;
  if (v.is_array())
    for (const auto& e : v.as_array())
      n += node_count(e);
  else if (v.is_record())
    for (const auto& e : v.as_record())
      n += node_count(e.second);
  return n;
}

class value_handler final : public YAML::EventHandler {
public:
  value result;
  bool done = false;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { put(value{}, anchor); }

  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      throw yaml_error("unknown alias");
    size_t n = node_count(it->second);
    if (n > alias_budget - expanded_)
      throw yaml_error("aliases expand to more than " + std::to_string(alias_budget) + " nodes");
    expanded_ += n;
    put(it->second, 0);
  }

  void OnScalar(const YAML::Mark&, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override {
    if (!utf8_valid(text))
      throw yaml_error("invalid UTF-8 in a scalar");
    put(scalar(tag, text), anchor);
  }

  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(value{array{}}, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(value{record{}}, anchor);
  }
  void OnMapEnd() override { close(); }

private:
  struct frame {
    value container;
    YAML::anchor_t anchor;
    std::string key;
    bool want_key;
  };

  static value scalar(const std::string& tag, const std::string& text) {
    if (tag == "!")
      return value{text}; // quoted
    if (tag == "?" || tag.empty())
      return resolve_plain(text);
    static const std::string core = "tag:yaml.org,2002:";
    if (tag.compare(0, core.size(), core) == 0) {
      std::string_view t = std::string_view(tag).substr(core.size());
      value v;
      if (t == "str")
        return value{text};
      if (t == "null" && is_null_word(text))
        return value{};
      if (t == "bool" && (text == "true" || text == "false"))
        return value{text == "true"};
      if (t == "int" && resolve_int(text, v))
        return v;
      if (t == "float" && (resolve_float(text, v) || resolve_int(text, v))) {
        double d = 0;
        v.get_f64(d);
        return value{d};
      }
      if (t == "binary") {
        std::string compact, raw;
        for (char c : text)
          if (c != '\n' && c != ' ' && c != '\r' && c != '\t')
            compact.push_back(c);
        if (base64_decode(compact, raw))
          return value{bytes{std::move(raw)}};
      }
      throw yaml_error("`" + text + "` is not a valid !!" + std::string(t));
    }
    return resolve_plain(text); // application tags: keep the plain meaning
  }

  void open(value container, YAML::anchor_t anchor) {
    if (!stack_.empty() && stack_.back().want_key)
      throw yaml_error("map keys must be scalars");
    if (stack_.size() >= yaml_max_depth)
      throw yaml_error("nested deeper than " + std::to_string(yaml_max_depth) + " levels");
    bool is_map = container.is_record();
    stack_.push_back(frame{std::move(container), anchor, {}, is_map});
  }

  void close() {
    frame f = std::move(stack_.back());
    stack_.pop_back();
    put(std::move(f.container), f.anchor);
  }

  void put(value v, YAML::anchor_t anchor) {
    if (anchor != 0)
      anchors_[anchor] = v;
    if (stack_.empty()) {
      result = std::move(v);
      done = true;
      return;
    }
    frame& top = stack_.back();
    if (top.container.is_array()) {
      top.container.as_array().push_back(std::move(v));
      return;
    }
    if (top.want_key) {
      top.key = key_text(v);
      top.want_key = false;
      return;
    }
    top.container.as_record().set(std::move(top.key), std::move(v));
    top.want_key = true;
  }

  // Scalar keys become record keys by their text (`1: x` has key "1").
  static std::string key_text(const value& k) {
    if (k.is_string())
      return k.as_string();
    if (k.is_null())
      return "null";
    if (k.is_bool())
      return k.as_bool() ? "true" : "false";
    if (k.is_number()) {
      std::string out;
      if (k.is_float())
        append_json_float(out, k.as_f64_unchecked());
      else
        out = json_to_string(k);
      return out;
    }
    throw yaml_error("map keys must be scalars");
  }

  std::vector<frame> stack_;
  std::map<YAML::anchor_t, value> anchors_;
  size_t expanded_ = 0;
};

// -- encoding -----------------------------------------------------------------

bool needs_quotes(const std::string& s) {
  if (s.empty() || !resolve_plain(s).is_string())
    return true;
  // Characters that start YAML syntax, and sequences that end a plain scalar.
  static const std::string_view lead = "-?:,[]{}#&*!|>'\"%@` \t";
  if (lead.find(s.front()) != std::string_view::npos || s.back() == ' ' || s.back() == ':')
    return true;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f)
      return true;
    if ((c == ':' && i + 1 < s.size() && s[i + 1] == ' ') || (c == '#' && s[i - 1] == ' '))
      return true;
  }
  return false;
}

void write_quoted(std::string& out, const std::string& s) {
  bool single_ok = true;
  for (unsigned char c : s)
    single_ok = single_ok && c >= 0x20 && c != 0x7f;
  if (single_ok) {
    out.push_back('\'');
    for (char c : s) {
      if (c == '\'')
        out.push_back('\'');
      out.push_back(c);
    }
    out.push_back('\'');
    return;
  }
  // Double quotes with JSON's escapes, which YAML reads the same way.
  out += json_to_string(value{s});
}

void write_scalar(std::string& out, const value& v) {
  switch (v.kind()) {
    case value_kind::null: out += "null"; return;
    case value_kind::boolean: out += v.as_bool() ? "true" : "false"; return;
    case value_kind::f64: {
      double d = v.as_f64_unchecked();
      if (std::isnan(d))
        out += ".nan";
      else if (std::isinf(d))
        out += d < 0 ? "-.inf" : ".inf";
      else
        append_json_float(out, d);
      return;
    }
    case value_kind::string:
      if (needs_quotes(v.as_string()))
        write_quoted(out, v.as_string());
      else
        out += v.as_string();
      return;
    default: out += json_to_string(v); return; // integers
  }
}

// Containers written in block style; empty ones and bytes inline.
bool is_block(const value& v) {
  return (v.is_array() && !v.as_array().empty()) || (v.is_record() && !v.as_record().empty());
}

void write_inline(std::string& out, const value& v) {
  if (v.is_array() && v.as_array().empty())
    out += "[]";
  else if (v.is_record() && v.as_record().empty())
    out += "{}";
  else if (v.is_bytes())
    out += json_to_string(v); // a flow sequence of numbers
  else
    write_scalar(out, v);
}

// `v` is a block container; its first line continues the current one (after
// "- " or at the document start) and later lines are indented by `indent`.
bool write_block(std::string& out, const value& v, size_t indent, size_t depth) {
  if (depth >= yaml_max_depth)
    return false;
  bool first = true;
  auto line_start = [&] {
    if (!first) {
      out.push_back('\n');
      out.append(indent, ' ');
    }
    first = false;
  };
  if (v.is_array()) {
    for (const auto& e : v.as_array()) {
      line_start();
      out += "- ";
      if (is_block(e)) {
        if (!write_block(out, e, indent + 2, depth + 1))
          return false;
      } else {
        write_inline(out, e);
      }
    }
    return true;
  }
  for (const auto& [k, e] : v.as_record()) {
    line_start();
    write_scalar(out, value{k});
    out.push_back(':');
    if (!is_block(e)) {
      out.push_back(' ');
      write_inline(out, e);
      continue;
    }
    // serde_yaml puts a map's sequence at the key's own indentation.
    size_t child = e.is_array() ? indent : indent + 2;
    out.push_back('\n');
    out.append(child, ' ');
    if (!write_block(out, e, child, depth + 1))
      return false;
  }
  return true;
}

} // namespace

bool yaml_codec::decode(std::string_view data, value& out, std::string& err) {
  try {
    std::istringstream in{std::string(data)};
    YAML::Parser parser(in);
    value_handler handler;
    if (!parser.HandleNextDocument(handler) || !handler.done) {
      out = value{};
      return true; // an empty document is null
    }
    value_handler rest;
    if (parser.HandleNextDocument(rest)) {
      err = "yaml: more than one document in one event";
      return false;
    }
    out = std::move(handler.result);
    return true;
  } catch (const YAML::Exception& e) {
    err = std::string("yaml: ") + e.what();
  } catch (const std::exception& e) {
    err = std::string("yaml: ") + e.what();
  }
  return false;
}

bool yaml_codec::encode(const value& v, std::string& out, std::string& err) {
  size_t before = out.size();
  bool ok = true;
  if (is_block(v))
    ok = write_block(out, v, 0, 0);
  else
    write_inline(out, v);
  if (!ok) {
    out.resize(before);
    err = "value nested deeper than " + std::to_string(yaml_max_depth)
          + " levels cannot be encoded as YAML";
    return false;
  }
  out.push_back('\n');
  return true;
}

std::unique_ptr<codec> make_yaml_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "yaml codec", {}, err))
    return nullptr;
  return std::make_unique<yaml_codec>();
}

} // namespace temblor::codecs
