#include "codecs/null.hpp"

#include "codecs/config.hpp"

namespace temblor::codecs {

bool null_codec::decode(std::string_view, value& out, std::string&) {
  out = value{};
  return true;
}

bool null_codec::encode(const value&, std::string&, std::string&) {
  return true;
}

std::unique_ptr<codec> make_null_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "null codec", {}, err))
    return nullptr;
  return std::make_unique<null_codec>();
}

} // namespace temblor::codecs
