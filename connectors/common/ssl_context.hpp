#pragma once

// Asio TLS contexts built from the connectors' `tls` settings (common/tls):
// private to connectors' .cpp files, since it includes Asio.

#include <memory>
#include <string>

#include <asio/ssl/context.hpp>

#include "connectors/common/tls.hpp"

namespace temblor::connectors::common {

/// An empty server context with the servers' options (no SSLv2/v3, single
/// DH use); null with `err` ("tls: cannot create a TLS context: …").
std::shared_ptr<asio::ssl::context> new_tls_server_context(std::string& err);

/// Loads a server's certificate chain and key (TLS 1.2 at least); null with
/// `err` ("tls: cannot load …") naming the file and OpenSSL's reason.
std::shared_ptr<asio::ssl::context> make_tls_server_context(const tls_server_config& cfg,
                                                            std::string& err);

/// An empty client context; null with `err` ("tls: cannot create a TLS context: …").
std::shared_ptr<asio::ssl::context> new_tls_client_context(std::string& err);

/// Builds a client's context: peer verification on, the trusted CAs
/// (`cafile` or the system's), the optional client certificate.
std::shared_ptr<asio::ssl::context> make_tls_client_context(const tls_client_config& cfg,
                                                            std::string& err);

} // namespace temblor::connectors::common
