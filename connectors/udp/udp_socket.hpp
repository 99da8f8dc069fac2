#pragma once

// What udp_server and udp_client share: their `socket_options` record, name
// resolution to one socket address, opening a bound socket, and UDP's
// datagram size limit.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "connectors/common/socket_options.hpp"
#include "connectors/config_schema.hpp"

namespace temblor::connectors::udp {

/// One IPv4 or IPv6 socket address.
struct udp_address {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  uint16_t port() const;
  /// Returns `1.2.3.4:5` or `[::1]:5`.
  std::string to_string() const;
};

/// Resolves `host` (a literal or a name) and `port` to the first address of
/// `family` (AF_UNSPEC: any family). Names may block in getaddrinfo: call it
/// on the blocking pool. False with `err` naming the host.
bool resolve(const std::string& host, uint16_t port, int family, udp_address& out,
             std::string& err);

/// Opens a non-blocking UDP socket for `local`'s family, applies
/// SO_REUSEADDR/SO_REUSEPORT from `opts` and binds it to `local`; returns
/// the descriptor, or -1 with `err`.
int open_bound_socket(const udp_address& local, const common::socket_options& opts,
                      std::string& err);

/// Returns the largest payload one datagram can carry: 65507 bytes over IPv4
/// (65535 less the IP and UDP headers), 65527 over IPv6.
size_t max_datagram_size(int family);

/// The `socket_options` record of the UDP connectors: Tremor's UDP options
/// are SO_REUSEPORT and SO_REUSEADDR only (TCP_NODELAY is rejected).
config_field udp_socket_options_field();

/// Reads `config.socket_options` into `opts` (defaults: SO_REUSEADDR on,
/// SO_REUSEPORT off).
bool parse_udp_socket_options(const value& config, common::socket_options& opts,
                              std::string& err);

} // namespace temblor::connectors::udp
