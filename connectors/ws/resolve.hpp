#pragma once

// Turns `host` into addresses without blocking an event loop: an IP literal
// at once, a name with getaddrinfo on the blocking pool. Asio's own
// async_resolve would start a hidden thread per event loop. Private to
// connectors/ws (it names Asio types).

#if defined(__GNUC__)
#pragma GCC system_header // Asio does not build warning-free
#endif

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include "runtime/io/io_pool.hpp"

namespace temblor::connectors::ws {

using resolved_handler =
    std::function<void(const std::string& error, std::vector<asio::ip::tcp::endpoint> endpoints)>;

/// Resolves `host`:`port` and calls `done` on `io` with the addresses or a
/// reason. `pool` may be null (tests without one): names then resolve on the
/// caller's thread. `done` must hold what it needs alive; it runs unless the
/// pools are being torn down (process exit).
void resolve_on_pool(asio::io_context& io, io::blocking_pool* pool, const std::string& host,
                     uint16_t port, resolved_handler done);

} // namespace temblor::connectors::ws
