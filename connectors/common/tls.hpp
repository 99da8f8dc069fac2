#pragma once

// TLS settings of the network connectors and their OpenSSL setup. OpenSSL
// types are only forward-declared so users of this header stay free of
// OpenSSL and Asio headers; callers pass `native_handle()`s.

#include <string>

#include "connectors/config_schema.hpp"
#include "runtime/core/value.hpp"

struct ssl_ctx_st; // OpenSSL's SSL_CTX
struct ssl_st;     // OpenSSL's SSL

namespace temblor::connectors::common {

/// A server's `tls {cert, key}`: PEM certificate chain and private key.
struct tls_server_config {
  bool enabled = false;
  std::string cert;
  std::string key;

  /// Reads `config.tls` (absent or null: TLS off). Checks that the files
  /// can be read so a typo fails the deployment, naming the key and file.
  bool parse(const value& config, std::string& err);
};

/// A client's `tls`: `true` (system roots, SNI and name check against the url
/// host) or `{cafile, domain, cert, key}`. Peer verification is always on.
struct tls_client_config {
  bool enabled = false;
  std::string cafile; ///< when set, the only trusted CA
  std::string domain; ///< SNI and the verified name; defaults to the url host
  std::string cert;   ///< client certificate (with `key`)
  std::string key;

  bool parse(const value& config, std::string& err);
};

/// The `tls` key of a server (`{cert, key}`) and of a client (`true` or
/// `{cafile, domain, cert, key}`).
config_field tls_server_field();
config_field tls_client_field();

/// Loads the certificate chain and key into a server context; `err` names
/// the file that failed and OpenSSL's reason.
bool setup_server_context(ssl_ctx_st* ctx, const tls_server_config& cfg, std::string& err);

/// Turns on peer verification, loads the trusted CAs (cafile or system
/// roots) and the optional client certificate.
bool setup_client_context(ssl_ctx_st* ctx, const tls_client_config& cfg, std::string& err);

/// Sets SNI and the name the peer's certificate must match (a DNS name or an
/// IP address) on one client connection before its handshake.
bool setup_client_session(ssl_st* ssl, const std::string& name, std::string& err);

/// Explains a failed client handshake: the verification error when the
/// peer's certificate was rejected (unknown CA, wrong name, expired…),
/// naming the trusted CA file or the system roots, else `fallback`.
std::string describe_handshake_failure(ssl_st* ssl, const tls_client_config& cfg,
                                       const std::string& name, const std::string& fallback);

/// Returns and clears OpenSSL's error queue as one line.
std::string openssl_errors();

} // namespace temblor::connectors::common
