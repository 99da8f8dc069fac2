#pragma once

// Warns about a certificate outside its validity period: a server starts
// with it, but every client that verifies it will refuse to connect.

#include <string>

struct ssl_ctx_st; // OpenSSL's SSL_CTX

namespace temblor::connectors::common {

/// Returns a warning naming `cert_file` when the certificate loaded into
/// `ctx` has expired or is not valid yet; empty when it is valid now.
std::string certificate_validity_warning(ssl_ctx_st* ctx, const std::string& cert_file);

} // namespace temblor::connectors::common
