#include "connectors/udp/udp_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace temblor::connectors::udp {

uint16_t udp_address::port() const {
  if (family() == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(storage).sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in&>(storage).sin_port);
}

std::string udp_address::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(storage).sin6_addr, text,
                sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(port());
  }
  ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(storage).sin_addr, text,
              sizeof(text));
  return std::string(text) + ":" + std::to_string(port());
}

bool resolve(const std::string& host, uint16_t port, int family, udp_address& out,
             std::string& err) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_protocol = IPPROTO_UDP;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    err = "cannot resolve `" + host + "`: " + ::gai_strerror(rc);
    return false;
  }
  bool ok = false;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
      continue;
    std::memcpy(&out.storage, ai->ai_addr, ai->ai_addrlen);
    out.length = static_cast<socklen_t>(ai->ai_addrlen);
    ok = true;
    break;
  }
  ::freeaddrinfo(found);
  if (!ok)
    err = "`" + host + "` has no " +
          (family == AF_INET6 ? "IPv6" : family == AF_INET ? "IPv4" : "IP") + " address";
  return ok;
}

int open_bound_socket(const udp_address& local, const common::socket_options& opts,
                      std::string& err) {
  int fd = ::socket(local.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) {
    err = std::string("cannot open a UDP socket: ") + std::strerror(errno);
    return -1;
  }
  if (!common::apply_bind_options(fd, opts, err)) {
    ::close(fd);
    return -1;
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local.storage), local.length) != 0) {
    err = "cannot bind " + local.to_string() + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

size_t max_datagram_size(int family) { return family == AF_INET6 ? 65527 : 65507; }

config_field udp_socket_options_field() {
  return record_key(
    "socket_options", value_types::record,
    {optional_key("SO_REUSEADDR", value_types::boolean, true,
                  "Let another socket that sets it bind the same address and port; on Linux "
                  "the one bound last then gets the datagrams (use SO_REUSEPORT to share)."),
     optional_key("SO_REUSEPORT", value_types::boolean, false,
                  "Share the port with other sockets that set it too (several processes "
                  "taking turns at one port; the kernel spreads senders among them).")},
    "Options set before the socket binds; unknown names are rejected.");
}

bool parse_udp_socket_options(const value& config, common::socket_options& opts,
                              std::string& err) {
  // The schema has already rejected TCP_NODELAY, so the shared reader sees
  // only the two bind options.
  return opts.parse(config, err);
}

} // namespace temblor::connectors::udp
