#include "codecs/string.hpp"

#include "codecs/config.hpp"
#include "codecs/json.hpp"
#include "codecs/utf8.hpp"

namespace temblor::codecs {

bool string_codec::decode(std::string_view data, value& out, std::string& err) {
  if (!utf8_valid(data)) {
    err = "invalid UTF-8 in data for the string codec";
    return false;
  }
  out = value{std::string(data)};
  return true;
}

bool string_codec::encode(const value& v, std::string& out, std::string& err) {
  if (v.is_string()) {
    out += v.as_string();
    return true;
  }
  return json_encode(v, json_mode::unsorted, out, err);
}

std::unique_ptr<codec> make_string_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "string codec", {}, err))
    return nullptr;
  return std::make_unique<string_codec>();
}

} // namespace temblor::codecs
