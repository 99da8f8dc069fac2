#include "dsl/json_text.hpp"

#include <cmath>

#include "codecs/json.hpp"

namespace temblor::dsl {

std::string format_float(double d) {
  if (std::isnan(d))
    return "NaN";
  if (std::isinf(d))
    return d < 0 ? "-inf" : "inf";
  std::string out;
  codecs::append_json_float(out, d);
  return out;
}

void write_json(const value& v, std::string& out, bool sorted) {
  std::string err;
  if (codecs::json_encode(v, sorted ? codecs::json_mode::sorted : codecs::json_mode::unsorted,
                          out, err))
    return;
  // Only values nested past the codec's depth limit get here; scripts can
  // build them, JSON cannot carry them.
  out += "null";
}

namespace {

void write_pretty(const value& v, std::string& out, size_t indent) {
  auto newline = [&](size_t n) {
    out.push_back('\n');
    out.append(n * 2, ' ');
  };
  if (v.is_array() && !v.as_array().empty()) {
    out.push_back('[');
    bool first = true;
    for (const auto& x : v.as_array()) {
      if (!first)
        out.push_back(',');
      first = false;
      newline(indent + 1);
      write_pretty(x, out, indent + 1);
    }
    newline(indent);
    out.push_back(']');
    return;
  }
  if (v.is_record() && !v.as_record().empty()) {
    out.push_back('{');
    bool first = true;
    for (const auto& [k, x] : v.as_record()) {
      if (!first)
        out.push_back(',');
      first = false;
      newline(indent + 1);
      write_json(value(k), out);
      out += ": ";
      write_pretty(x, out, indent + 1);
    }
    newline(indent);
    out.push_back('}');
    return;
  }
  write_json(v, out);
}

} // namespace

std::string to_json_pretty(const value& v) {
  std::string s;
  write_pretty(v, s, 0);
  return s;
}

std::string to_json(const value& v, bool sorted) {
  std::string s;
  write_json(v, s, sorted);
  return s;
}

bool from_json(std::string_view text, value& out, std::string& err) {
  return codecs::json_decode(text, out, err);
}

} // namespace temblor::dsl
