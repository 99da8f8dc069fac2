#include "codecs/csv.hpp"

#include "codecs/config.hpp"
#include "codecs/json.hpp"
#include "codecs/utf8.hpp"

namespace temblor::codecs {

bool csv_codec::decode(std::string_view data, value& out, std::string& err) {
  if (!utf8_valid(data)) {
    err = "invalid UTF-8 in data for the csv codec";
    return false;
  }
  // One trailing line break ends the record rather than adding to it.
  if (!data.empty() && data.back() == '\n')
    data.remove_suffix(1);
  if (!data.empty() && data.back() == '\r')
    data.remove_suffix(1);
  array fields;
  std::string field;
  size_t i = 0;
  for (;;) {
    field.clear();
    if (i < data.size() && data[i] == '"') {
      ++i;
      for (;;) {
        if (i >= data.size()) {
          err = "csv: unterminated quoted field";
          return false;
        }
        char c = data[i++];
        if (c != '"') {
          field.push_back(c);
        } else if (i < data.size() && data[i] == '"') {
          field.push_back('"');
          ++i;
        } else {
          break;
        }
      }
      if (i < data.size() && data[i] != delimiter_) {
        err = "csv: unexpected character after a quoted field at byte " + std::to_string(i);
        return false;
      }
    } else {
      size_t end = data.find(delimiter_, i);
      if (end == std::string_view::npos)
        end = data.size();
      field.assign(data.substr(i, end - i));
      i = end;
    }
    fields.emplace_back(field);
    if (i >= data.size())
      break;
    ++i; // the delimiter
  }
  out = value{std::move(fields)};
  return true;
}

bool csv_codec::encode(const value& v, std::string& out, std::string& err) {
  if (!v.is_array()) {
    err = "the csv codec encodes arrays only, not " + std::string(kind_name(v.kind()));
    return false;
  }
  bool first = true;
  std::string text;
  for (const auto& e : v.as_array()) {
    if (!first)
      out.push_back(delimiter_);
    first = false;
    text.clear();
    if (e.is_string()) {
      text = e.as_string();
    } else if (!json_encode(e, json_mode::unsorted, text, err)) {
      return false;
    }
    bool quote = text.find_first_of(std::string{'"', '\n', '\r', delimiter_}) != std::string::npos;
    if (!quote) {
      out += text;
      continue;
    }
    out.push_back('"');
    for (char c : text) {
      if (c == '"')
        out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return true;
}

std::unique_ptr<codec> make_csv_codec(const value& config, std::string& err) {
  constexpr std::string_view owner = "csv codec";
  if (!check_config_keys(config, owner, {"delimiter"}, err))
    return nullptr;
  std::string delimiter = ",";
  if (!read_string(config, "delimiter", owner, delimiter, err))
    return nullptr;
  if (delimiter.size() != 1 || delimiter[0] == '"' || delimiter[0] == '\n') {
    err = "`delimiter` in the csv codec config must be one byte other than a quote or newline";
    return nullptr;
  }
  return std::make_unique<csv_codec>(delimiter[0]);
}

} // namespace temblor::codecs
