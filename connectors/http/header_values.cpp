#include "connectors/http/header_values.hpp"

#include <algorithm>

#include "connectors/common/scalar_text.hpp"

namespace temblor::connectors::http {

value headers_to_value(const http_headers& headers) {
  record out;
  out.reserve(headers.size()); // one per request: no regrowth
  for (const auto& h : headers) {
    value* list = out.find(h.name);
    if (list == nullptr) {
      array values;
      values.reserve(1); // a repeated header is the exception
      list = &out.push_unchecked(h.name, value(std::move(values)));
    }
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
        if (!common::scalar_text(item, text)) {
          err = "header `" + name + "`: values must be strings or numbers";
          return false;
        }
        out.push_back(http_header{name, text});
      }
      continue;
    }
    if (!common::scalar_text(val, text)) {
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
