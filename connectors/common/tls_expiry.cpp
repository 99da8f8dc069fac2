#include "connectors/common/tls_expiry.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace temblor::connectors::common {

namespace {

std::string describe_time(const ASN1_TIME* t) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr)
    return "?";
  ASN1_TIME_print(bio, t);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, n > 0 ? static_cast<size_t>(n) : 0);
  BIO_free(bio);
  return out;
}

} // namespace

std::string certificate_validity_warning(ssl_ctx_st* ctx, const std::string& cert_file) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr)
    return {};
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0)
    return "certificate file `" + cert_file + "` expired on " +
           describe_time(X509_get0_notAfter(cert)) +
           "; clients that verify it will refuse to connect";
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0)
    return "certificate file `" + cert_file + "` is not valid before " +
           describe_time(X509_get0_notBefore(cert)) +
           "; clients that verify it will refuse to connect until then";
  return {};
}

} // namespace temblor::connectors::common
