#include "connectors/http/header_values.hpp"

#include <algorithm>

namespace temblor::connectors::http {

namespace {

bool scalar_text(const value& v, std::string& out) {
  if (v.is_string()) {
    out = v.as_string();
    return true;
  }
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  if (v.get_i64(i)) {
    out = std::to_string(i);
    return true;
  }
  if (v.get_u64(u)) {
    out = std::to_string(u);
    return true;
  }
  if (v.get_f64(d)) {
    out = std::to_string(d);
    return true;
  }
  if (v.is_bool()) {
    out = v.as_bool() ? "true" : "false";
    return true;
  }
  return false;
}

} // namespace

value headers_to_value(const http_headers& headers) {
  record out;
  for (const auto& h : headers) {
    value* list = out.find(h.name);
    if (list == nullptr)
      list = &out.push_unchecked(h.name, value(array{}));
    list->as_array().emplace_back(h.value);
  }
  return value(std::move(out));
}

bool value_to_headers(const value& v, http_headers& out, std::string& err) {
  if (v.is_null())
    return true;
  if (!v.is_record()) {
    err = "headers must be a record of name -> value or list of values";
    return false;
  }
  std::string text;
  for (const auto& [name, val] : v.as_record()) {
    if (val.is_array()) {
      for (const auto& item : val.as_array()) {
        if (!scalar_text(item, text)) {
          err = "header `" + name + "`: values must be strings or numbers";
          return false;
        }
        out.push_back(http_header{name, text});
      }
      continue;
    }
    if (!scalar_text(val, text)) {
      err = "header `" + name + "`: expected a string or a list of strings";
      return false;
    }
    out.push_back(http_header{name, text});
  }
  return true;
}

void override_headers(http_headers& headers, const http_headers& from) {
  for (const auto& h : from)
    headers.erase(std::remove_if(headers.begin(), headers.end(),
                                 [&](const http_header& x) { return iequals(x.name, h.name); }),
                  headers.end());
  headers.insert(headers.end(), from.begin(), from.end());
}

} // namespace temblor::connectors::http
