#include "connectors/ws/resolve.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <asio/post.hpp>

#include <cstring>
#include <memory>

namespace temblor::connectors::ws {

namespace {

void resolve_now(const std::string& host, uint16_t port, std::string& error,
                 std::vector<asio::ip::tcp::endpoint>& out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    error = "cannot resolve `" + host + "`: " + gai_strerror(rc);
    return;
  }
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    asio::ip::tcp::endpoint ep;
    if (ai->ai_addrlen > ep.capacity())
      continue;
    std::memcpy(ep.data(), ai->ai_addr, ai->ai_addrlen);
    ep.resize(ai->ai_addrlen);
    out.push_back(ep);
  }
  freeaddrinfo(found);
  if (out.empty())
    error = "`" + host + "` has no TCP address";
}

} // namespace

void resolve_on_pool(asio::io_context& io, io::blocking_pool* pool, const std::string& host,
                     uint16_t port, resolved_handler done) {
  asio::error_code ec;
  auto literal = asio::ip::make_address(host, ec);
  if (!ec) {
    std::vector<asio::ip::tcp::endpoint> one{asio::ip::tcp::endpoint(literal, port)};
    asio::post(io, [done = std::move(done), one = std::move(one)]() mutable {
      done(std::string(), std::move(one));
    });
    return;
  }
  auto job = [&io, host, port, done = std::move(done)]() mutable {
    std::string error;
    std::vector<asio::ip::tcp::endpoint> found;
    resolve_now(host, port, error, found);
    asio::post(io, [done = std::move(done), error = std::move(error),
                    found = std::move(found)]() mutable { done(error, std::move(found)); });
  };
  if (pool != nullptr)
    pool->post(std::move(job));
  else
    job();
}

} // namespace temblor::connectors::ws
