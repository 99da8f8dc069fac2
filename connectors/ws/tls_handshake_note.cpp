#include "connectors/ws/tls_handshake_note.hpp"

#include <openssl/err.h>

namespace temblor::connectors::ws {

namespace {

void free_note(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<std::string*>(ptr);
}

int note_slot() {
  static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_note);
  return slot;
}

std::string* note_of(const SSL* ssl) {
  return static_cast<std::string*>(SSL_get_ex_data(ssl, note_slot()));
}

void on_info(const SSL* ssl, int where, int ret) {
  std::string* note = note_of(ssl);
  if (note == nullptr || !note->empty())
    return;
  if ((where & SSL_CB_ALERT) != 0) {
    // close_notify ends a connection; it is no failure.
    if ((ret & 0xff) == SSL_AD_CLOSE_NOTIFY)
      return;
    *note = std::string((where & SSL_CB_READ) ? "received" : "sent") + " TLS alert `" +
            SSL_alert_desc_string_long(ret) + "`";
    return;
  }
  // A handshake step that failed for good (a "want read" leaves the queue
  // empty: Asio clears it before every SSL call).
  if ((where & SSL_CB_EXIT) != 0 && ret <= 0) {
    const unsigned long code = ERR_peek_last_error();
    const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
    if (reason == nullptr)
      return;
    *note = reason;
    if (ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_WRONG_VERSION_NUMBER)
      *note += ": the peer does not speak TLS";
  }
}

} // namespace

void record_tls_failure(SSL* ssl) {
  if (note_of(ssl) == nullptr)
    SSL_set_ex_data(ssl, note_slot(), new std::string());
  SSL_set_info_callback(ssl, on_info);
}

std::string tls_failure_of(const SSL* ssl) {
  const std::string* note = ssl == nullptr ? nullptr : note_of(ssl);
  return note == nullptr ? std::string() : *note;
}

} // namespace temblor::connectors::ws
