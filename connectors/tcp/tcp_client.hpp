#pragma once

// tcp_client: one TCP connection (optionally TLS) to `url`; what it reads is
// stream 0 of the source, what reaches the sink is written to it.

#include <string>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/stream_settings.hpp"
#include "connectors/common/tls.hpp"
#include "connectors/common/url.hpp"
#include "connectors/connector.hpp"

namespace temblor::connectors::tcp {

/// The validated `config` of a tcp_client.
struct tcp_client_config {
  common::url url;               ///< the peer; the port is required
  common::tls_client_config tls; ///< `true` or `{cafile, domain, cert, key}`
  common::socket_options socket; ///< TCP_NODELAY (or 0.12's `no_delay`)
  common::stream_client_settings limits;

  bool parse(const value& config, std::string& err);
  /// The name the server's certificate must carry: `tls.domain`, else the url host.
  const std::string& verify_name() const { return tls.domain.empty() ? url.host : tls.domain; }
};

/// Returns the registry entry for `tcp_client`.
const connector_descriptor& tcp_client_descriptor();

} // namespace temblor::connectors::tcp
