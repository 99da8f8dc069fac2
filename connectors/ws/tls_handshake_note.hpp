#pragma once

// Why a TLS handshake failed, in words: websocketpp reports every failure
// as "TLS handshake failed", and by the time its handlers run OpenSSL's
// error queue is gone. A note stored on the SSL object (and freed with it)
// keeps the first alert, sent or received, or failing that the first fatal
// OpenSSL reason ("wrong version number" when the peer does not speak TLS).
// Private to connectors/ws.

#include <openssl/ssl.h>

#include <string>

namespace temblor::connectors::ws {

/// Starts recording on `ssl`, before its handshake (e.g. in websocketpp's
/// tcp_pre_init handler). Call from the thread that drives the socket.
void record_tls_failure(SSL* ssl);

/// What was recorded on `ssl`, or "" (nothing, or not recording).
std::string tls_failure_of(const SSL* ssl);

} // namespace temblor::connectors::ws
