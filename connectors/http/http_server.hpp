#pragma once

// http_server: every request is an event on `out` (`$http_server.request`,
// `$http_server.request_id`, the body decoded by the codec its content type
// maps to); the event that comes back to `in` for the same request is its
// response (`$http_server.response.{status, headers}`), whole or chunked.

#include <chrono>
#include <string>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/tls.hpp"
#include "connectors/common/url.hpp"
#include "connectors/connector.hpp"
#include "connectors/http/server/limits.hpp"

namespace temblor::connectors::http {

/// The validated `config` of an http_server.
struct http_server_config {
  common::url url;               ///< where to listen
  common::tls_server_config tls; ///< TLS is on only when `tls` is given
  value mime_mapping;            ///< overrides of the built-in mapping (null: none)
  std::chrono::milliseconds response_timeout{10000};
  server_limits limits;
  uint64_t backlog = 1024;
  common::socket_options socket;

  /// Reads and checks `config` (defaults filled in by the schema); `err`
  /// names the offending key.
  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `http_server`.
const connector_descriptor& http_server_descriptor();

} // namespace temblor::connectors::http
