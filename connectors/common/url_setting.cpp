#include "connectors/common/url_setting.hpp"

#include "connectors/common/config_reader.hpp"

namespace temblor::connectors::common {

namespace {

bool read_url_text(const value& config, std::string_view default_scheme, std::string& text,
                   url& out, std::string& err) {
  if (!read_string(config, "url", text, err))
    return false;
  if (!parse_url(text, default_scheme, out, err)) {
    err = "`url`: " + err;
    return false;
  }
  return true;
}

} // namespace

bool read_url(const value& config, std::string_view default_scheme, url& out, std::string& err) {
  std::string text;
  return read_url_text(config, default_scheme, text, out, err);
}

bool read_url_with_port(const value& config, std::string_view default_scheme,
                        std::string_view connector, url& out, std::string& err,
                        zero_port zero) {
  std::string text;
  if (!read_url_text(config, default_scheme, text, out, err))
    return false;
  if (!out.has_port || (zero == zero_port::refused && out.port == 0)) {
    err = "`url`: `" + text + "` has no port; " + std::string(connector) + " needs one";
    return false;
  }
  return true;
}

} // namespace temblor::connectors::common
