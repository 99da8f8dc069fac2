#include "codecs/statsd.hpp"

#include <charconv>
#include <cmath>

#include "codecs/config.hpp"
#include "codecs/json.hpp"
#include "codecs/utf8.hpp"

namespace temblor::codecs {

namespace {

bool is_type(std::string_view t) {
  return t == "c" || t == "g" || t == "ms" || t == "h" || t == "s";
}

// Integers stay integers; anything else that parses is a float.
bool parse_number(std::string_view s, value& out) {
  int64_t i = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), i);
  if (r.ec == std::errc{} && r.ptr == s.data() + s.size()) {
    out = value{static_cast<long long>(i)};
    return true;
  }
  double d = 0;
  auto f = std::from_chars(s.data(), s.data() + s.size(), d);
  if (f.ec == std::errc{} && f.ptr == s.data() + s.size() && std::isfinite(d)) {
    out = value{d};
    return true;
  }
  return false;
}

void append_number(std::string& out, const value& v) {
  if (v.is_float())
    append_json_float(out, v.as_f64_unchecked());
  else
    out += json_to_string(v);
}

} // namespace

bool statsd_codec::decode(std::string_view line, value& out, std::string& err) {
  if (!utf8_valid(line)) {
    err = "statsd: invalid UTF-8";
    return false;
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  size_t colon = line.rfind(':', line.find('|'));
  size_t bar = line.find('|');
  if (colon == std::string_view::npos || bar == std::string_view::npos || colon == 0
      || bar < colon) {
    err = "statsd: expected `metric:value|type`";
    return false;
  }
  std::string_view metric = line.substr(0, colon);
  std::string_view raw = line.substr(colon + 1, bar - colon - 1);
  std::string_view rest = line.substr(bar + 1);
  size_t bar2 = rest.find('|');
  std::string_view type = rest.substr(0, bar2);
  if (!is_type(type)) {
    err = "statsd: unknown metric type `" + std::string(type) + "`";
    return false;
  }
  record r;
  r.push_unchecked("type", value{std::string(type)});
  r.push_unchecked("metric", value{std::string(metric)});
  std::string_view action;
  if (type == "g" && !raw.empty() && (raw[0] == '+' || raw[0] == '-')) {
    action = raw[0] == '+' ? "add" : "sub";
    raw.remove_prefix(1);
  }
  value number;
  if (!parse_number(raw, number)) {
    err = "statsd: invalid value `" + std::string(raw) + "`";
    return false;
  }
  r.push_unchecked("value", std::move(number));
  if (!action.empty())
    r.push_unchecked("action", value{std::string(action)});
  if (bar2 != std::string_view::npos) {
    std::string_view rate = rest.substr(bar2 + 1);
    value sample;
    if (rate.size() < 2 || rate[0] != '@' || !parse_number(rate.substr(1), sample)) {
      err = "statsd: invalid sample rate `" + std::string(rate) + "`";
      return false;
    }
    double d = 0;
    sample.get_f64(d);
    r.push_unchecked("sample_rate", value{d});
  }
  out = value{std::move(r)};
  return true;
}

bool statsd_codec::encode(const value& v, std::string& out, std::string& err) {
  const value* type = v.get("type");
  const value* metric = v.get("metric");
  const value* number = v.get("value");
  if (type == nullptr || !type->is_string() || !is_type(type->as_string()) || metric == nullptr
      || !metric->is_string() || number == nullptr || !number->is_number()) {
    err = "statsd: needs `type` (c, g, ms, h, s), a string `metric` and a numeric `value`";
    return false;
  }
  std::string line = metric->as_string() + ":";
  if (const value* action = v.get("action"); action != nullptr && action->is_string()) {
    if (action->as_string() == "add")
      line.push_back('+');
    else if (action->as_string() == "sub")
      line.push_back('-');
  }
  append_number(line, *number);
  line += "|" + type->as_string();
  if (const value* rate = v.get("sample_rate"); rate != nullptr && rate->is_number()) {
    line += "|@";
    append_number(line, *rate);
  }
  out += line;
  return true;
}

std::unique_ptr<codec> make_statsd_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "statsd codec", {}, err))
    return nullptr;
  return std::make_unique<statsd_codec>();
}

} // namespace temblor::codecs
