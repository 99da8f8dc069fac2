#include "connectors/ws/upgrade_check.hpp"

#include <algorithm>
#include <cctype>

namespace temblor::connectors::ws {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_base64_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
}

/// Control characters other than horizontal tab (RFC 9110 §5.5: field
/// values are visible characters, spaces and tabs).
bool has_control_char(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace

bool valid_websocket_key(std::string_view key) {
  key = trim(key);
  // 16 bytes encode to 22 significant characters and two '=' of padding;
  // the last significant character carries 2 bits, so its low 4 bits are 0.
  if (key.size() != 24 || key[22] != '=' || key[23] != '=')
    return false;
  if (!std::all_of(key.begin(), key.begin() + 22, is_base64_char))
    return false;
  static constexpr std::string_view last_chars = "AQgw";
  return last_chars.find(key[21]) != std::string_view::npos;
}

upgrade_refusal check_upgrade_request(const header_list& headers) {
  upgrade_refusal out;
  std::string_view version;
  std::string_view key;
  int keys = 0;
  for (const auto& [name, value] : headers) {
    if (name.empty() || has_control_char(name) || has_control_char(value)) {
      out.status = 400;
      out.reason = "a header contains a control character";
      return out;
    }
    if (equals_ignoring_case(name, "Sec-WebSocket-Version"))
      version = trim(value);
    else if (equals_ignoring_case(name, "Sec-WebSocket-Key")) {
      key = value;
      ++keys;
    }
  }
  if (version != "13") {
    out.status = 426;
    out.reason = version.empty() ? "no Sec-WebSocket-Version"
                                 : "Sec-WebSocket-Version " + std::string(version) +
                                       " is not supported (13 is)";
    out.offer_version_13 = true;
    return out;
  }
  if (keys != 1 || !valid_websocket_key(key)) {
    out.status = 400;
    out.reason = "Sec-WebSocket-Key is not the base64 encoding of 16 bytes";
  }
  return out;
}

} // namespace temblor::connectors::ws
