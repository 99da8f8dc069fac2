#pragma once

// `mime_mapping`: which codec reads and writes a body of a given content
// type (Tremor's http connectors). Built-in entries, overridden or extended
// by the connector's config; `*/*` is the fallback.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/core/value.hpp"

namespace temblor::connectors::http {

/// One entry: a mime type and the codec for it.
struct mime_codec {
  std::string mime;  ///< "application/json", "text/*", "*/*"
  value spec;        ///< codec name or {"name", "config"}
  std::string name;  ///< the codec's name
};

class mime_mapping {
public:
  /// The built-in entries, then those of `overrides` (`{mime: codec}`, null
  /// for none) replacing or adding. Every codec is built once here, so a bad
  /// name fails the deployment; `err` names the key.
  static bool make(const value& overrides, mime_mapping& out, std::string& err);

  /// Returns the entry for a `content-type` value (parameters ignored, case
  /// folded): exact match, else `type/*`, else `*/*`; -1 when none fits.
  int lookup(std::string_view content_type) const;
  /// Returns the `*/*` entry, or -1.
  int fallback() const { return fallback_; }

  const mime_codec& at(size_t i) const { return entries_[i]; }
  size_t size() const { return entries_.size(); }

  /// The content type to announce for a body entry `i` wrote: its own mime
  /// type, or for a wildcard entry the first concrete one with the same
  /// codec (json -> application/json), else application/octet-stream.
  const std::string& announced_mime(size_t i) const { return announced_[i]; }

private:
  std::vector<mime_codec> entries_;
  std::vector<std::string> announced_;
  std::unordered_map<std::string, int> index_;
  int fallback_ = -1;
};

/// Returns the media type of a `content-type` value, lower-cased, without
/// parameters: "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type);

} // namespace temblor::connectors::http
