#include "connectors/http/server/request.hpp"

namespace temblor::connectors::http {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

} // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

const std::string* find_header(const http_headers& headers, std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.name, name))
      return &h.value;
  return nullptr;
}

std::string http_request::version() const {
  return "HTTP/" + std::to_string(version_major) + "." + std::to_string(version_minor);
}

} // namespace temblor::connectors::http
