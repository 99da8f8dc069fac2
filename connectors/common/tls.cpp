#include "connectors/common/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <fstream>

#include "connectors/common/config_reader.hpp"

namespace temblor::connectors::common {

namespace {

bool check_readable(const std::string& path, std::string_view key, std::string& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err = "`tls." + std::string(key) + "`: cannot read file `" + path + "`";
    return false;
  }
  return true;
}

bool is_ip_address(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

bool load_cert_and_key(ssl_ctx_st* ctx, const std::string& cert, const std::string& key,
                       std::string& err) {
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) {
    err = "`tls.cert`: cannot load certificate file `" + cert + "`: " + openssl_errors();
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL already compares the key with the certificate here.
    const bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
    err = mismatch ? "`tls.key`: private key file `" + key + "` does not match certificate file `" +
                         cert + "`: " + openssl_errors()
                   : "`tls.key`: cannot load private key file `" + key + "`: " + openssl_errors();
    return false;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    err = "`tls.key`: private key file `" + key + "` does not match certificate file `" + cert +
          "`: " + openssl_errors();
    return false;
  }
  return true;
}

} // namespace

std::string openssl_errors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty())
      out += "; ";
    out += buf;
  }
  if (out.empty())
    out = "unknown OpenSSL error";
  return out;
}

bool tls_server_config::parse(const value& config, std::string& err) {
  const value* tls = config.get("tls");
  if (tls == nullptr || tls->is_null())
    return true;
  if (!read_string(*tls, "cert", cert, err) || !read_string(*tls, "key", key, err)) {
    err = "tls: " + err;
    return false;
  }
  enabled = true;
  return true;
}

bool tls_client_config::parse(const value& config, std::string& err) {
  const value* tls = config.get("tls");
  if (tls == nullptr || tls->is_null())
    return true;
  if (tls->is_bool()) {
    enabled = tls->as_bool();
    return true;
  }
  if (!read_optional_string(*tls, "cafile", cafile, err) ||
      !read_optional_string(*tls, "domain", domain, err) ||
      !read_optional_string(*tls, "cert", cert, err) ||
      !read_optional_string(*tls, "key", key, err)) {
    err = "tls: " + err;
    return false;
  }
  if (cert.empty() != key.empty()) {
    err = "tls: `cert` and `key` must be given together";
    return false;
  }
  enabled = true;
  return true;
}

config_field tls_server_field() {
  return record_key("tls", value_types::record,
                    {required_key("cert", value_types::string, "PEM certificate chain file."),
                     required_key("key", value_types::string, "PEM private key file.")},
                    "Serve TLS with this certificate and key (files read at connect time); plaintext when absent.");
}

config_field tls_client_field() {
  return record_key("tls", value_types::boolean | value_types::record,
                    {optional_key("cafile", value_types::string, {}, "The only CA trusted (default: the system roots)."),
                     optional_key("domain", value_types::string, {}, "The name sent as SNI and verified in the certificate (default: the url's host)."),
                     optional_key("cert", value_types::string, {}, "Client certificate file (with `key`)."),
                     optional_key("key", value_types::string, {}, "Client private key file (with `cert`).")},
                    "`true` or a record: speak TLS, always verifying the server's certificate and name.");
}

bool setup_server_context(ssl_ctx_st* ctx, const tls_server_config& cfg, std::string& err) {
  if (!check_readable(cfg.cert, "cert", err) || !check_readable(cfg.key, "key", err))
    return false;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  return load_cert_and_key(ctx, cfg.cert, cfg.key, err);
}

bool setup_client_context(ssl_ctx_st* ctx, const tls_client_config& cfg, std::string& err) {
  if (!(cfg.cafile.empty() || check_readable(cfg.cafile, "cafile", err)) ||
      !(cfg.cert.empty() || check_readable(cfg.cert, "cert", err)) ||
      !(cfg.key.empty() || check_readable(cfg.key, "key", err)))
    return false;
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!cfg.cafile.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, cfg.cafile.c_str(), nullptr) != 1) {
      err = "`tls.cafile`: cannot load CA file `" + cfg.cafile + "`: " + openssl_errors();
      return false;
    }
  } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    err = "cannot load the system's trusted CAs: " + openssl_errors();
    return false;
  }
  if (!cfg.cert.empty())
    return load_cert_and_key(ctx, cfg.cert, cfg.key, err);
  return true;
}

bool setup_client_session(ssl_st* ssl, const std::string& name, std::string& err) {
  ERR_clear_error();
  if (is_ip_address(name)) {
    // SNI carries host names only; an IP literal is checked against the
    // certificate's IP SANs instead.
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) != 1) {
      err = "cannot verify against address `" + name + "`: " + openssl_errors();
      return false;
    }
    return true;
  }
  if (SSL_set_tlsext_host_name(ssl, name.c_str()) != 1 || SSL_set1_host(ssl, name.c_str()) != 1) {
    err = "cannot set the TLS host name `" + name + "`: " + openssl_errors();
    return false;
  }
  return true;
}

std::string describe_handshake_failure(ssl_st* ssl, const tls_client_config& cfg,
                                       const std::string& name, const std::string& fallback) {
  long result = ssl != nullptr ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (result == X509_V_OK)
    return fallback;
  std::string out = "server certificate rejected: ";
  out += X509_verify_cert_error_string(result);
  switch (result) {
  case X509_V_ERR_HOSTNAME_MISMATCH:
  case X509_V_ERR_IP_ADDRESS_MISMATCH:
    out += " (it is not valid for `" + name + "`";
    out += cfg.domain.empty() ? "; set `tls.domain` if the name differs from the url host)"
                              : ", from `tls.domain`)";
    break;
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
  case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
  case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
  case X509_V_ERR_CERT_UNTRUSTED:
    out += cfg.cafile.empty() ? " (unknown CA: not among the system's trusted CAs; set "
                                "`tls.cafile`)"
                              : " (unknown CA: not signed by the CA in `tls.cafile` `" +
                                    cfg.cafile + "`)";
    break;
  default:
    break;
  }
  return out;
}

} // namespace temblor::connectors::common
