#include "connectors/common/ssl_context.hpp"

#include <exception>

namespace temblor::connectors::common {

namespace {

std::shared_ptr<asio::ssl::context> new_context(asio::ssl::context::method method,
                                                std::string& err) {
  try {
    return std::make_shared<asio::ssl::context>(method);
  } catch (const std::exception& e) {
    err = std::string("tls: cannot create a TLS context: ") + e.what();
    return nullptr;
  }
}

} // namespace

std::shared_ptr<asio::ssl::context> new_tls_server_context(std::string& err) {
  auto ctx = new_context(asio::ssl::context::tls_server, err);
  if (!ctx)
    return nullptr;
  asio::error_code ignored;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use,
                   ignored);
  return ctx;
}

std::shared_ptr<asio::ssl::context> make_tls_server_context(const tls_server_config& cfg,
                                                            std::string& err) {
  auto ctx = new_tls_server_context(err);
  if (!ctx)
    return nullptr;
  if (!setup_server_context(ctx->native_handle(), cfg, err)) {
    err = "tls: " + err;
    return nullptr;
  }
  return ctx;
}

std::shared_ptr<asio::ssl::context> new_tls_client_context(std::string& err) {
  return new_context(asio::ssl::context::tls_client, err);
}

std::shared_ptr<asio::ssl::context> make_tls_client_context(const tls_client_config& cfg,
                                                            std::string& err) {
  auto ctx = new_tls_client_context(err);
  if (!ctx)
    return nullptr;
  if (!setup_client_context(ctx->native_handle(), cfg, err)) {
    err = "tls: " + err;
    return nullptr;
  }
  return ctx;
}

} // namespace temblor::connectors::common
