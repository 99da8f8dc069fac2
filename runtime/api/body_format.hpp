#pragma once

// JSON or YAML, as Tremor's API speaks both: responses follow the client's
// `Accept` header, request bodies their `Content-Type`.

#include <string>

#include "runtime/core/value.hpp"

namespace temblor::api {

enum class body_format { json, yaml };

/// Returns YAML when `accept` (may be null) prefers a YAML media type
/// (application/yaml, application/x-yaml, text/yaml) over JSON, else JSON,
/// the default for browsers, curl and anything unknown.
body_format response_format(const std::string* accept);

/// Returns the format a request body declares by `content_type` (may be
/// null): YAML for the YAML media types, JSON otherwise.
body_format request_format(const std::string* content_type);

/// Returns the Content-Type header value for `f`.
const char* content_type(body_format f);

/// Returns `v` encoded in `f` (JSON ends with a newline, as YAML does).
std::string render(const value& v, body_format f);

/// Decodes a request body; false with `err` saying what is wrong.
bool parse_body(const std::string& body, body_format f, value& out, std::string& err);

} // namespace temblor::api
