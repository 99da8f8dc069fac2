#include "codecs/influx.hpp"

#include <charconv>
#include <cmath>

#include "codecs/config.hpp"
#include "codecs/json.hpp"
#include "codecs/utf8.hpp"
#include "runtime/core/event.hpp"

namespace temblor::codecs {

namespace {

// Reads an escaped token up to one of `stops` (unescaped); `\x` yields x for
// the escapable characters and keeps the backslash otherwise, as Influx does.
bool read_token(std::string_view line, size_t& i, std::string_view stops, std::string& out) {
  out.clear();
  while (i < line.size()) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size()
        && (line[i + 1] == ',' || line[i + 1] == '=' || line[i + 1] == ' '
            || line[i + 1] == '\\' || line[i + 1] == '"')) {
      out.push_back(line[i + 1]);
      i += 2;
      continue;
    }
    if (stops.find(c) != std::string_view::npos)
      return true;
    out.push_back(c);
    ++i;
  }
  return true;
}

bool parse_field_value(std::string_view line, size_t& i, value& out, std::string& err) {
  if (i < line.size() && line[i] == '"') {
    std::string s;
    ++i;
    for (;;) {
      if (i >= line.size()) {
        err = "influx: unterminated string field";
        return false;
      }
      char c = line[i++];
      if (c == '\\' && i < line.size() && (line[i] == '"' || line[i] == '\\')) {
        s.push_back(line[i++]);
        continue;
      }
      if (c == '"')
        break;
      s.push_back(c);
    }
    out = value{std::move(s)};
    return true;
  }
  size_t start = i;
  while (i < line.size() && line[i] != ',' && line[i] != ' ')
    ++i;
  std::string_view raw = line.substr(start, i - start);
  if (raw == "t" || raw == "T" || raw == "true" || raw == "True" || raw == "TRUE") {
    out = value{true};
    return true;
  }
  if (raw == "f" || raw == "F" || raw == "false" || raw == "False" || raw == "FALSE") {
    out = value{false};
    return true;
  }
  if (!raw.empty() && (raw.back() == 'i' || raw.back() == 'u')) {
    std::string_view digits = raw.substr(0, raw.size() - 1);
    if (raw.back() == 'i') {
      int64_t n = 0;
      auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (r.ec == std::errc{} && r.ptr == digits.data() + digits.size()) {
        out = value{static_cast<long long>(n)};
        return true;
      }
    } else {
      uint64_t n = 0;
      auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (r.ec == std::errc{} && r.ptr == digits.data() + digits.size()) {
        out = value{static_cast<unsigned long long>(n)};
        return true;
      }
    }
  } else if (!raw.empty()) {
    double d = 0;
    auto r = std::from_chars(raw.data(), raw.data() + raw.size(), d);
    if (r.ec == std::errc{} && r.ptr == raw.data() + raw.size() && std::isfinite(d)) {
      out = value{d};
      return true;
    }
  }
  err = "influx: invalid field value `" + std::string(raw) + "`";
  return false;
}

void write_escaped(std::string& out, std::string_view s, std::string_view specials) {
  for (char c : s) {
    if (specials.find(c) != std::string_view::npos)
      out.push_back('\\');
    out.push_back(c);
  }
}

} // namespace

bool influx_codec::decode(std::string_view line, value& out, std::string& err) {
  if (!utf8_valid(line)) {
    err = "influx: invalid UTF-8";
    return false;
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  size_t i = 0;
  std::string measurement, key, text;
  read_token(line, i, ", ", measurement);
  if (measurement.empty()) {
    err = "influx: missing measurement";
    return false;
  }
  record tags;
  while (i < line.size() && line[i] == ',') {
    ++i;
    read_token(line, i, "=, ", key);
    if (i >= line.size() || line[i] != '=' || key.empty()) {
      err = "influx: malformed tag";
      return false;
    }
    ++i;
    read_token(line, i, ", ", text);
    tags.set(key, value{text});
  }
  if (i >= line.size() || line[i] != ' ') {
    err = "influx: missing fields";
    return false;
  }
  ++i;
  record fields;
  for (;;) {
    read_token(line, i, "=, ", key);
    if (i >= line.size() || line[i] != '=' || key.empty()) {
      err = "influx: malformed field";
      return false;
    }
    ++i;
    value v;
    if (!parse_field_value(line, i, v, err))
      return false;
    fields.set(key, std::move(v));
    if (i < line.size() && line[i] == ',') {
      ++i;
      continue;
    }
    break;
  }
  uint64_t timestamp = now_ns();
  if (i < line.size()) {
    std::string_view rest = line.substr(i + 1);
    int64_t ts = 0;
    auto r = std::from_chars(rest.data(), rest.data() + rest.size(), ts);
    if (line[i] != ' ' || rest.empty() || r.ec != std::errc{}
        || r.ptr != rest.data() + rest.size()) {
      err = "influx: invalid timestamp";
      return false;
    }
    timestamp = static_cast<uint64_t>(ts);
  }
  record r;
  r.push_unchecked("measurement", value{std::move(measurement)});
  r.push_unchecked("tags", value{std::move(tags)});
  r.push_unchecked("fields", value{std::move(fields)});
  r.push_unchecked("timestamp", value{static_cast<unsigned long long>(timestamp)});
  out = value{std::move(r)};
  return true;
}

bool influx_codec::encode(const value& v, std::string& out, std::string& err) {
  const value* measurement = v.get("measurement");
  const value* fields = v.get("fields");
  if (measurement == nullptr || !measurement->is_string() || fields == nullptr
      || !fields->is_record() || fields->as_record().empty()) {
    err = "influx: needs a record with a string `measurement` and a non-empty `fields` record";
    return false;
  }
  std::string line;
  write_escaped(line, measurement->as_string(), ", ");
  if (const value* tags = v.get("tags"); tags != nullptr && tags->is_record()) {
    for (const auto& [k, t] : tags->as_record()) {
      if (!t.is_string()) {
        err = "influx: tag `" + k + "` must be a string";
        return false;
      }
      line.push_back(',');
      write_escaped(line, k, ",= ");
      line.push_back('=');
      write_escaped(line, t.as_string(), ",= ");
    }
  }
  bool first = true;
  for (const auto& [k, f] : fields->as_record()) {
    line.push_back(first ? ' ' : ',');
    first = false;
    write_escaped(line, k, ",= ");
    line.push_back('=');
    switch (f.kind()) {
      case value_kind::i64: line += json_to_string(f) + "i"; break;
      case value_kind::u64: line += json_to_string(f) + "i"; break;
      case value_kind::f64: append_json_float(line, f.as_f64_unchecked()); break;
      case value_kind::boolean: line += f.as_bool() ? "true" : "false"; break;
      case value_kind::string:
        line.push_back('"');
        write_escaped(line, f.as_string(), "\"\\");
        line.push_back('"');
        break;
      default:
        err = "influx: field `" + k + "` must be a number, boolean or string";
        return false;
    }
  }
  if (const value* ts = v.get("timestamp"); ts != nullptr && ts->is_integer()) {
    line.push_back(' ');
    line += json_to_string(*ts);
  }
  out += line;
  return true;
}

std::unique_ptr<codec> make_influx_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "influx codec", {}, err))
    return nullptr;
  return std::make_unique<influx_codec>();
}

} // namespace temblor::codecs
