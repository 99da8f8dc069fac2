#include "connectors/http/mime_mapping.hpp"

#include <utility>

#include "codecs/codec.hpp"

namespace temblor::connectors::http {

namespace {

// The built-in entries, in the order their codecs announce themselves.
const std::pair<const char*, const char*> default_entries[] = {
  {"application/json", "json"},
  {"text/plain", "string"},
  {"text/html", "string"},
  {"application/octet-stream", "binary"},
  {"application/yaml", "yaml"},
  {"application/x-yaml", "yaml"},
  {"text/yaml", "yaml"},
  {"text/csv", "csv"},
  {"application/msgpack", "msgpack"},
  {"application/x-msgpack", "msgpack"},
  {"application/vnd.msgpack", "msgpack"},
  {"*/*", "json"},
};

bool codec_name(const value& spec, std::string& name) {
  if (spec.is_string()) {
    name = spec.as_string();
    return true;
  }
  if (const value* n = spec.get("name"); n != nullptr && n->is_string()) {
    name = n->as_string();
    return true;
  }
  return false;
}

} // namespace

std::string media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  auto type = content_type.substr(0, semi);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
    type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
    type.remove_suffix(1);
  std::string out(type);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool mime_mapping::make(const value& overrides, mime_mapping& out, std::string& err) {
  out = mime_mapping{};
  auto put = [&](std::string mime, value spec) -> bool {
    std::string key = "`config.mime_mapping.\"" + mime + "\"`";
    std::string name;
    if (!codec_name(spec, name)) {
      err = key + ": expected a codec name or {\"name\": …, \"config\": …}";
      return false;
    }
    std::string why;
    if (!codecs::make_codec(spec, why)) {
      err = key + ": " + why;
      return false;
    }
    std::string m = media_type(mime);
    auto it = out.index_.find(m);
    if (it != out.index_.end()) {
      out.entries_[static_cast<size_t>(it->second)] = mime_codec{m, std::move(spec), name};
      return true;
    }
    out.index_.emplace(m, static_cast<int>(out.entries_.size()));
    out.entries_.push_back(mime_codec{m, std::move(spec), name});
    return true;
  };
  for (const auto& [mime, codec] : default_entries)
    if (!put(mime, value(codec)))
      return false;
  if (overrides.is_record()) {
    for (const auto& [mime, spec] : overrides.as_record())
      if (!put(mime, spec))
        return false;
  } else if (!overrides.is_null()) {
    err = "`config.mime_mapping`: expected a record of content type -> codec";
    return false;
  }
  auto fb = out.index_.find("*/*");
  out.fallback_ = fb == out.index_.end() ? -1 : fb->second;
  for (const auto& e : out.entries_) {
    std::string announced = e.mime;
    if (e.mime.find('*') != std::string::npos) {
      announced = "application/octet-stream";
      for (const auto& other : out.entries_)
        if (other.name == e.name && other.mime.find('*') == std::string::npos) {
          announced = other.mime;
          break;
        }
    }
    out.announced_.push_back(std::move(announced));
  }
  return true;
}

int mime_mapping::lookup(std::string_view content_type) const {
  std::string m = media_type(content_type);
  if (!m.empty()) {
    if (auto it = index_.find(m); it != index_.end())
      return it->second;
    auto slash = m.find('/');
    if (slash != std::string::npos) {
      if (auto it = index_.find(m.substr(0, slash) + "/*"); it != index_.end())
        return it->second;
    }
  }
  return fallback_;
}

} // namespace temblor::connectors::http
