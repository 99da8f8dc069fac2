// ws_client's connection lifecycle and TLS errors over real sockets.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connectors/ws/ws_client.hpp"
#include "connectors/ws/ws_server.hpp"
#include "tests/connectors/ws/test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::ws::testing;

namespace {

/// A TCP socket listening on 127.0.0.1 that never accepts: connects
/// complete in the kernel, handshakes never do.
struct silent_listener {
  silent_listener() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 && listen(fd, 16) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.sin_port);
  }
  ~silent_listener() { close(fd); }
  int fd = -1;
  uint16_t port = 0;
};

/// A port nothing listens on (bound once, then released).
uint16_t closed_port() {
  silent_listener l;
  return l.port;
}

std::string first_failure(fake_context& ctx) {
  std::lock_guard<std::mutex> g(ctx.mtx);
  return ctx.connect_failures.empty() ? std::string() : ctx.connect_failures[0];
}

} // namespace

TEST_SUITE("connectors.ws") {

TEST_CASE("ws_client reports connect_failed when nothing listens and can try again") {
  uint16_t port = closed_port();
  REQUIRE(port != 0);
  client_fixture cl(value(record{{"url", "ws://127.0.0.1:" + std::to_string(port)}}));
  REQUIRE(cl.conn);
  CHECK_FALSE(cl.ok);
  // The runtime prefixes the alias; the reason says what and where.
  CHECK(first_failure(*cl.ctx).find("cannot connect to ws://127.0.0.1:") == 0);
  CHECK(first_failure(*cl.ctx).find("refused") != std::string::npos);
  // While disconnected, writes fail instead of queueing.
  CHECK(cl.conn->write("in", make_event(1, 0, "x", value()), cl.ser) == sink_outcome::failed);
  cl.conn->connect();
  CHECK_FALSE(cl.ctx->wait_connect_outcome());
  std::lock_guard<std::mutex> g(cl.ctx->mtx);
  CHECK(cl.ctx->connect_failures.size() == 2);
  CHECK(cl.ctx->connects == 0);
}

TEST_CASE("ws_client gives up on a hung handshake after 5 seconds") {
  silent_listener l;
  REQUIRE(l.port != 0);
  auto before = std::chrono::steady_clock::now();
  client_fixture cl(value(record{{"url", "ws://127.0.0.1:" + std::to_string(l.port)}}));
  auto took = std::chrono::steady_clock::now() - before;
  CHECK_FALSE(cl.ok);
  CHECK(took >= 4500ms);
  CHECK(took < 8s);
  CHECK(first_failure(*cl.ctx).find("timed out after 5000 ms") != std::string::npos);
  std::this_thread::sleep_for(300ms);
  std::lock_guard<std::mutex> g(cl.ctx->mtx);
  CHECK(cl.ctx->connect_failures.size() == 1); // exactly one outcome per connect()
}

TEST_CASE("ws_client reports a lost connection when the server goes away and reconnects") {
  auto srv = std::make_unique<server_fixture>();
  uint16_t port = srv->port;
  client_fixture cl(value(record{{"url", srv->url()}}));
  REQUIRE(cl.ok);
  // Make sure the server knows the connection, so it closes it properly.
  REQUIRE(cl.conn->write("in", make_event(1, 0, "hi", value()), cl.ser) == sink_outcome::done);
  received_frame hi;
  REQUIRE(srv->ctx->pop(hi));
  srv->conn->stop();
  REQUIRE(cl.ctx->wait([&] { return !cl.ctx->lost.empty(); }));
  CHECK(cl.ctx->lost[0].find("closed by the server") != std::string::npos);
  CHECK(cl.ctx->lost[0].find("1001") != std::string::npos); // going away
  CHECK(cl.ctx->wait([&] { return !cl.ctx->finished.empty(); }));
  CHECK(cl.conn->write("in", make_event(1, 0, "x", value()), cl.ser) == sink_outcome::failed);

  // The supervisor calls connect() again once a server is back.
  srv.reset();
  server_fixture again(value(record{{"url", "127.0.0.1:" + std::to_string(port)}}));
  REQUIRE(again.port == port);
  cl.conn->connect();
  REQUIRE(cl.ctx->wait_connect_outcome());
  CHECK(cl.conn->write("in", make_event(1, 0, "back", value()), cl.ser) == sink_outcome::done);
  received_frame f;
  REQUIRE(again.ctx->pop(f));
  CHECK(f.data == "back");
}

TEST_CASE("ws_client hands over nothing while paused and catches up on resume") {
  server_fixture srv;
  client_fixture cl(value(record{{"url", srv.url()}}));
  REQUIRE(cl.ok);
  REQUIRE(cl.conn->write("in", make_event(1, 0, "hi", value()), cl.ser) == sink_outcome::done);
  received_frame f;
  REQUIRE(srv.ctx->pop(f));
  cl.conn->pause();
  for (const char* text : {"one", "two"})
    REQUIRE(srv.conn->write("in", make_event(server_fixture::source_id, f.stream, text, f.meta),
                            srv.ser) == sink_outcome::done);
  received_frame got;
  CHECK_FALSE(cl.ctx->pop(got, 300ms));
  cl.conn->resume();
  REQUIRE(cl.ctx->pop(got));
  CHECK(got.data == "one");
  REQUIRE(cl.ctx->pop(got));
  CHECK(got.data == "two");
}

TEST_CASE("ws_client names the CA file when the server's CA is unknown") {
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  REQUIRE(make_cert(dir, "stranger"));
  server_fixture srv(value(record{
      {"url", "127.0.0.1:0"},
      {"tls", record{{"cert", dir.file("srv.cert.pem")}, {"key", dir.file("srv.key.pem")}}}}));
  REQUIRE(srv.port != 0);
  client_fixture cl(value(record{{"url", srv.url(true)},
                                 {"tls", record{{"cafile", dir.file("stranger.cert.pem")}}}}));
  CHECK_FALSE(cl.ok);
  std::string why = first_failure(*cl.ctx);
  CHECK(why.find("cannot connect to wss://localhost:") == 0);
  CHECK(why.find("unknown CA") != std::string::npos);
  CHECK(why.find(dir.file("stranger.cert.pem")) != std::string::npos);
}

TEST_CASE("ws_client with tls = true rejects a self-signed certificate") {
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  server_fixture srv(value(record{
      {"url", "127.0.0.1:0"},
      {"tls", record{{"cert", dir.file("srv.cert.pem")}, {"key", dir.file("srv.key.pem")}}}}));
  client_fixture cl(value(record{{"url", srv.url(true)}, {"tls", true}}));
  CHECK_FALSE(cl.ok);
  std::string why = first_failure(*cl.ctx);
  CHECK(why.find("system's trusted CAs") != std::string::npos);
}

TEST_CASE("ws_client checks the host name against tls.domain") {
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  server_fixture srv(value(record{
      {"url", "127.0.0.1:0"},
      {"tls", record{{"cert", dir.file("srv.cert.pem")}, {"key", dir.file("srv.key.pem")}}}}));
  client_fixture wrong(value(record{
      {"url", srv.url(true)},
      {"tls", record{{"cafile", dir.file("srv.cert.pem")}, {"domain", "example.org"}}}}));
  CHECK_FALSE(wrong.ok);
  std::string why = first_failure(*wrong.ctx);
  CHECK(why.find("hostname mismatch") != std::string::npos);
  CHECK(why.find("example.org") != std::string::npos);

  // The certificate is for localhost: connecting by IP with domain set works.
  client_fixture right(value(record{
      {"url", "wss://127.0.0.1:" + std::to_string(srv.port)},
      {"tls", record{{"cafile", dir.file("srv.cert.pem")}, {"domain", "localhost"}}}}));
  CHECK_MESSAGE(right.ok, first_failure(*right.ctx));
}

TEST_CASE("ws_client with a missing client certificate fails to connect naming the file") {
  client_fixture cl(value(record{
      {"url", "wss://localhost:1"},
      {"tls", record{{"cert", "/nonexistent/client.pem"}, {"key", "/nonexistent/key.pem"}}}}));
  REQUIRE(cl.conn);
  CHECK_FALSE(cl.ok);
  CHECK(first_failure(*cl.ctx).find("/nonexistent/client.pem") != std::string::npos);
}

} // TEST_SUITE
