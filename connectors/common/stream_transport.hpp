#pragma once

// One connected byte stream as the stream connectors (tcp_*, unix_socket_*)
// use it, whatever carries it: plain TCP, TLS over TCP, or a Unix socket.
// Private to connectors' .cpp files (it includes Asio). A virtual call per
// read or write costs nothing next to the event that comes of it, and lets
// one connection, server and client serve every kind of socket.

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>

namespace temblor::connectors::common {

class stream_transport {
public:
  using io_handler = std::function<void(const asio::error_code&, size_t)>;
  using handler = std::function<void(const asio::error_code&)>;

  virtual ~stream_transport() = default;

  /// Whether the stream must shake hands before traffic (a TLS server side).
  virtual bool needs_handshake() const { return false; }
  virtual void async_handshake(handler done) { (void)done; }
  virtual void async_read_some(asio::mutable_buffer buf, io_handler done) = 0;
  /// Writes every byte of `bufs` (which must stay alive until `done`).
  virtual void async_write(const std::vector<asio::const_buffer>& bufs, io_handler done) = 0;
  /// Closes the socket; pending operations complete with operation_aborted.
  virtual void close() = 0;
  virtual int native_handle() = 0;
  virtual bool is_tls() const { return false; }
};

/// Whether a read error means the peer ended the stream in order (EOF, or
/// a TLS peer that closed without close_notify) rather than broke it.
inline bool is_orderly_end(const asio::error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

/// A socket without TLS: TCP or Unix.
template <class Socket>
class plain_transport final : public stream_transport {
public:
  explicit plain_transport(Socket socket) : socket_(std::move(socket)) {}

  void async_read_some(asio::mutable_buffer buf, io_handler done) override {
    socket_.async_read_some(buf, std::move(done));
  }
  void async_write(const std::vector<asio::const_buffer>& bufs, io_handler done) override {
    asio::async_write(socket_, bufs, std::move(done));
  }
  void close() override {
    asio::error_code ignored;
    socket_.close(ignored);
  }
  int native_handle() override { return socket_.native_handle(); }

private:
  Socket socket_;
};

/// TLS over TCP. A server side shakes hands when the connection starts (its
/// deadline is the connection's); a client connects and shakes hands before
/// it hands the transport over, so failures are connect failures.
class tls_transport final : public stream_transport {
public:
  using stream_type = asio::ssl::stream<asio::ip::tcp::socket>;

  tls_transport(asio::ip::tcp::socket socket, asio::ssl::context& ctx, bool server)
    : stream_(std::move(socket), ctx), server_(server) {}

  bool needs_handshake() const override { return server_; }
  void async_handshake(handler done) override {
    stream_.async_handshake(server_ ? stream_type::server : stream_type::client, std::move(done));
  }
  void async_read_some(asio::mutable_buffer buf, io_handler done) override {
    stream_.async_read_some(buf, std::move(done));
  }
  void async_write(const std::vector<asio::const_buffer>& bufs, io_handler done) override {
    asio::async_write(stream_, bufs, std::move(done));
  }
  void close() override {
    // No close_notify: the peer learns from the TCP close, which is what
    // Tremor does and what lets a stop() finish at once.
    asio::error_code ignored;
    stream_.lowest_layer().close(ignored);
  }
  int native_handle() override { return stream_.lowest_layer().native_handle(); }
  bool is_tls() const override { return true; }

  stream_type& stream() { return stream_; }

private:
  stream_type stream_;
  bool server_;
};

} // namespace temblor::connectors::common
