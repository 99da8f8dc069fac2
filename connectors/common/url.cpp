#include "connectors/common/url.hpp"

#include <cctype>

namespace temblor::connectors::common {

namespace {

uint16_t default_port(std::string_view scheme) {
  if (scheme == "wss" || scheme == "https")
    return 443;
  if (scheme == "ws" || scheme == "http")
    return 80;
  return 0;
}

} // namespace

std::string url::authority() const {
  std::string out;
  if (host.find(':') != std::string::npos)
    out = "[" + host + "]";
  else
    out = host;
  out += ':';
  out += std::to_string(port);
  return out;
}

bool parse_url(std::string_view text, std::string_view default_scheme, url& out,
               std::string& err) {
  out = url{};
  std::string_view rest = text;
  if (auto sep = rest.find("://"); sep != std::string_view::npos) {
    out.scheme.assign(rest.substr(0, sep));
    for (auto& c : out.scheme)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest.remove_prefix(sep + 3);
  } else {
    out.scheme.assign(default_scheme);
  }
  // The authority ends at the first '/', '?' or '#'.
  auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (end != std::string_view::npos) {
    std::string_view tail = rest.substr(end);
    if (auto hash = tail.find('#'); hash != std::string_view::npos)
      tail = tail.substr(0, hash);
    out.path.assign(tail);
    if (out.path.empty() || out.path[0] != '/')
      out.path.insert(out.path.begin(), '/');
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      err = "invalid url `" + std::string(text) + "`: unterminated `[` in the host";
      return false;
    }
    out.host.assign(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        err = "invalid url `" + std::string(text) + "`: unexpected text after the host";
        return false;
      }
      port_text = after.substr(1);
      out.has_port = true;
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    out.host.assign(authority.substr(0, colon));
    port_text = authority.substr(colon + 1);
    out.has_port = true;
  } else {
    out.host.assign(authority);
  }
  if (out.host.empty()) {
    err = "invalid url `" + std::string(text) + "`: the host is missing";
    return false;
  }
  if (out.has_port) {
    if (port_text.empty() || port_text.size() > 5) {
      err = "invalid url `" + std::string(text) + "`: invalid port";
      return false;
    }
    unsigned long port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        err = "invalid url `" + std::string(text) + "`: invalid port";
        return false;
      }
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port > 65535) {
      err = "invalid url `" + std::string(text) + "`: port out of range";
      return false;
    }
    out.port = static_cast<uint16_t>(port);
  } else {
    out.port = default_port(out.scheme);
  }
  return true;
}

} // namespace temblor::connectors::common
