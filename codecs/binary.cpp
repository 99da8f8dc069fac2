#include "codecs/binary.hpp"

#include "codecs/config.hpp"
#include "codecs/json.hpp"

namespace temblor::codecs {

bool binary_codec::decode(std::string_view data, value& out, std::string&) {
  out = value{bytes{std::string(data)}};
  return true;
}

bool binary_codec::encode(const value& v, std::string& out, std::string& err) {
  if (const std::string* text = v.get_text()) {
    out += *text;
    return true;
  }
  return json_encode(v, json_mode::unsorted, out, err);
}

std::unique_ptr<codec> make_binary_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "binary codec", {}, err))
    return nullptr;
  return std::make_unique<binary_codec>();
}

} // namespace temblor::codecs
