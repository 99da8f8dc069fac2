#include "runtime/api/body_format.hpp"

#include <cctype>
#include <string_view>

#include "codecs/json.hpp"
#include "codecs/yaml.hpp"

namespace temblor::api {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool is_yaml(std::string_view media) {
  return media == "application/yaml" || media == "application/x-yaml" || media == "text/yaml" ||
         media == "text/x-yaml";
}

bool is_json(std::string_view media) { return media == "application/json" || media == "text/json"; }

// The q value of one Accept entry ("type/sub;q=0.5"); 1 without one.
double quality(std::string_view params) {
  size_t q = params.find("q=");
  if (q == std::string_view::npos)
    return 1.0;
  try {
    return std::stod(std::string(params.substr(q + 2)));
  } catch (...) {
    return 0.0;
  }
}

} // namespace

body_format response_format(const std::string* accept) {
  if (!accept)
    return body_format::json;
  std::string text = lower(*accept);
  double best_yaml = -1, best_json = -1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos)
      end = text.size();
    std::string_view entry = trim(std::string_view(text).substr(start, end - start));
    size_t semi = entry.find(';');
    std::string_view media = trim(entry.substr(0, semi));
    double q = semi == std::string_view::npos ? 1.0 : quality(entry.substr(semi + 1));
    if (is_yaml(media) && q > best_yaml)
      best_yaml = q;
    if (is_json(media) && q > best_json)
      best_json = q;
    start = end + 1;
  }
  return best_yaml > 0 && best_yaml > best_json ? body_format::yaml : body_format::json;
}

body_format request_format(const std::string* content_type) {
  if (!content_type)
    return body_format::json;
  std::string text = lower(*content_type);
  return is_yaml(trim(std::string_view(text).substr(0, text.find(';')))) ? body_format::yaml
                                                                          : body_format::json;
}

const char* content_type(body_format f) {
  return f == body_format::yaml ? "application/yaml" : "application/json";
}

std::string render(const value& v, body_format f) {
  std::string out, err;
  if (f == body_format::yaml) {
    codecs::yaml_codec yaml;
    // The API's own values are shallow; encoding cannot fail on them.
    yaml.encode(v, out, err);
    return out;
  }
  out = codecs::json_to_string(v);
  out += '\n';
  return out;
}

bool parse_body(const std::string& body, body_format f, value& out, std::string& err) {
  if (f == body_format::yaml) {
    codecs::yaml_codec yaml;
    return yaml.decode(body, out, err);
  }
  return codecs::json_decode(body, out, err);
}

} // namespace temblor::api
