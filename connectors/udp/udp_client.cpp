#include "connectors/udp/udp_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "connectors/common/config_reader.hpp"
#include "connectors/common/url_setting.hpp"
#include "connectors/udp/udp_socket.hpp"

namespace temblor::connectors::udp {

bool udp_client_config::parse(const value& config, std::string& err) {
  if (!common::read_url_with_port(config, "udp", "udp_client", url, err,
                                  common::zero_port::refused))
    return false;
  // Tremor binds to the wildcard of the peer's family unless told otherwise.
  std::string bind_text = url.host.find(':') != std::string::npos ? "[::]:0" : "0.0.0.0:0";
  if (!common::read_optional_string(config, "bind", bind_text, err))
    return false;
  if (!common::parse_url(bind_text, "udp", bind, err)) {
    err = "`bind`: " + err;
    return false;
  }
  return parse_udp_socket_options(config, socket, err);
}

namespace {

using namespace std::chrono_literals;

/// How long a send may wait for room in a full socket buffer before the
/// event fails; a UDP buffer drains at link speed, so this is never reached
/// unless the interface is stuck.
constexpr auto send_wait_limit = 1000ms;

/// The socket, shared with the resolving job on the blocking pool, which
/// may finish after the connector stopped or started another attempt.
struct client_socket {
  std::mutex mtx;
  int fd = -1;
  int family = AF_INET;
  uint64_t attempt = 0; ///< bumped by every connect() and by stop()

  void close() {
    if (fd >= 0)
      ::close(fd);
    fd = -1;
  }
};

/// Opens, binds and connects a socket for `cfg`; -1 with `err` on failure.
int open_connected(const udp_client_config& cfg, int& family, std::string& err) {
  udp_address local;
  if (!resolve(cfg.bind.host, cfg.bind.port, AF_UNSPEC, local, err)) {
    err = "`bind`: " + err;
    return -1;
  }
  udp_address peer;
  if (!resolve(cfg.url.host, cfg.url.port, local.family(), peer, err))
    return -1;
  int fd = open_bound_socket(local, cfg.socket, err);
  if (fd < 0)
    return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&peer.storage), peer.length) != 0) {
    err = "cannot connect to " + peer.to_string() + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  family = local.family();
  return fd;
}

class udp_client_connector final : public connector {
public:
  udp_client_connector(udp_client_config cfg, std::shared_ptr<connector_context> ctx)
    : cfg_(std::move(cfg)), ctx_(std::move(ctx)),
      too_large_(ctx_->counter("datagrams_too_large")),
      send_errors_(ctx_->counter("datagrams_failed")) {}
  ~udp_client_connector() override { stop(); }

  connector_ports ports() const override { return sink_ports(); }

  void start(const start_args& args) override { blocking_ = args.services.blocking; }

  void connect() override {
    uint64_t attempt = 0;
    {
      std::lock_guard<std::mutex> guard(socket_->mtx);
      socket_->close();
      attempt = ++socket_->attempt;
    }
    // Host names may block in getaddrinfo: resolve on the blocking pool.
    blocking_->post([s = socket_, ctx = ctx_, cfg = cfg_, attempt] {
      int family = AF_INET;
      std::string err;
      int fd = open_connected(cfg, family, err);
      {
        std::lock_guard<std::mutex> guard(s->mtx);
        if (s->attempt != attempt) { // stopped, or a newer attempt runs
          if (fd >= 0)
            ::close(fd);
          return;
        }
        s->fd = fd;
        s->family = family;
      }
      if (fd < 0)
        ctx->connect_failed(err);
      else
        ctx->connected();
    });
  }

  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    frames_.clear();
    if (!ser.serialize(0, ev.payload, ev.ingest_ns, frames_, err_)) {
      ctx_->log(log_level::error, "cannot serialize an event: " + err_);
      return sink_outcome::failed;
    }
    return send_frames() ? sink_outcome::done : sink_outcome::failed;
  }

  // What the postprocessors still hold (a `collect` buffer, a
  // streaming-compress trailer) goes out at a graceful stop.
  void finish(serializer& ser) override {
    frames_.clear();
    ser.finish_stream(0, frames_);
    if (!frames_.empty())
      send_frames();
  }

  void stop() override {
    std::lock_guard<std::mutex> guard(socket_->mtx);
    socket_->close();
    ++socket_->attempt;
  }

private:
  /// Sends frames_, one datagram each; false (logged and counted) when the
  /// event fails.
  bool send_frames() {
    int fd = -1;
    int family = AF_INET;
    {
      std::lock_guard<std::mutex> guard(socket_->mtx);
      fd = socket_->fd;
      family = socket_->family;
    }
    if (fd < 0)
      return false;
    // Check every frame first, so an event is sent whole or not at all.
    const size_t limit = max_datagram_size(family);
    for (const auto& frame : frames_) {
      if (frame.size() > limit) {
        report(too_large_, "an event failed: it makes a datagram of " +
                             std::to_string(frame.size()) + " bytes, over UDP's limit of " +
                             std::to_string(limit) + " bytes; nothing of it was sent");
        return false;
      }
    }
    for (const auto& frame : frames_)
      if (!send(fd, frame))
        return false;
    return true;
  }

  bool send(int fd, const std::string& frame) {
    const auto deadline = std::chrono::steady_clock::now() + send_wait_limit;
    for (;;) {
      ssize_t n = ::send(fd, frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0)
        return true;
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLOUT, 0};
        if (left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) >= 0)
          continue;
        report(send_errors_, "an event failed: the socket buffer stayed full for " +
                               std::to_string(send_wait_limit.count()) + " ms");
        return false;
      }
      std::string reason = std::string("cannot send a datagram: ") + std::strerror(errno);
      if (errno == EMSGSIZE) { // the path allows less than UDP does; the socket is fine
        report(send_errors_, "an event failed: " + reason);
        return false;
      }
      // Tremor treats any other send error (a refused port, a lost route)
      // as a lost connection: a new socket after the reconnect policy.
      send_errors_.fetch_add(1, std::memory_order_relaxed);
      {
        std::lock_guard<std::mutex> guard(socket_->mtx);
        socket_->close();
      }
      ctx_->connection_lost(reason);
      return false;
    }
  }

  void report(std::atomic<uint64_t>& counter, const std::string& what) {
    uint64_t n = counter.fetch_add(1, std::memory_order_relaxed) + 1;
    if ((n & (n - 1)) == 0) // the 1st, 2nd, 4th, 8th… time
      ctx_->log(log_level::warning, what + " (" + std::to_string(n) + " so far)");
  }

  udp_client_config cfg_;
  std::shared_ptr<connector_context> ctx_;
  io::blocking_pool* blocking_ = nullptr;
  std::shared_ptr<client_socket> socket_ = std::make_shared<client_socket>();
  std::atomic<uint64_t>& too_large_;
  std::atomic<uint64_t>& send_errors_;
  std::vector<std::string> frames_;
  std::string err_;
};

std::unique_ptr<connector> make_udp_client(const connector_args& args, std::string& err) {
  udp_client_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  return std::make_unique<udp_client_connector>(std::move(cfg), args.context);
}

} // namespace

const connector_descriptor& udp_client_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "udp_client";
    d.summary = "sends every frame of an event as one UDP datagram";
    d.config = {
      required_key("url", value_types::string,
                   "The peer: `host:port` or `udp://host:port`."),
      optional_key("bind", value_types::string, {},
                   "The local address to send from; by default `0.0.0.0:0`, or `[::]:0` when "
                   "`url` is an IPv6 address."),
      udp_socket_options_field(),
    };
    d.config[1].default_doc = "`\"0.0.0.0:0\"`";
    d.make = &make_udp_client;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::udp
