// The TLS matrix of issue #16 for both HTTP connectors: good, expired, wrong
// host, unknown CA, missing/garbage/mismatched key, plain-to-TLS and
// TLS-to-plain, stalled handshake, and TLS 1.2 as the minimum. Certificates
// come from tests/peers/py_make_certs.py, made per run.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connectors/http/http_client.hpp"
#include "connectors/http/http_server.hpp"
#include "tests/connectors/http/http_test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::http::testing;

TEST_SUITE("connectors.http.tls") {

namespace {

/// The matrix's certificates in a fresh directory.
struct certs {
  certs() {
    std::string out;
    ok = run({"/usr/bin/python3", peer_script("py_make_certs.py"), dir.path()}, out) == 0 &&
         out == "ok";
  }
  std::string file(const std::string& name) const { return dir.file(name); }
  temp_dir dir;
  bool ok = false;
};

value tls_server(const certs& c, const std::string& cert, const std::string& key,
                 record extra = {}) {
  record cfg{{"url", "https://127.0.0.1:0"},
             {"tls", value(record{{"cert", c.file(cert)}, {"key", c.file(key)}})}};
  for (const auto& [k, v] : extra)
    cfg.set(k, v);
  return value(std::move(cfg));
}

value tls_client(const std::string& url, record tls, uint64_t timeout_ns = 5000000000) {
  return value(record{{"url", url}, {"tls", value(std::move(tls))}, {"timeout", timeout_ns}});
}

/// Sends one event through a client and returns the event it produced.
received_event exchange_once(client_fixture& c) {
  c.send(value(record{{"n", 1}}));
  received_event e;
  c.ctx->pop_event(e, 20s);
  return e;
}

std::string error_of(const received_event& e) {
  const value* err = e.payload.get("error");
  return err != nullptr && err->is_string() ? err->as_string() : std::string();
}

/// A TCP port that accepts connections (the kernel does) and never speaks.
struct silent_listener {
  silent_listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 && ::listen(fd, 8) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.sin_port);
  }
  ~silent_listener() { ::close(fd); }
  int fd = -1;
  uint16_t port = 0;
};

uint16_t free_port() {
  silent_listener l;
  return l.port;
}

bool wait_port(uint16_t port) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    if (up)
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

} // namespace

TEST_CASE("TLS good: both connectors agree with a CA-signed certificate; the server speaks TLS 1.2 but not 1.1") {
  certs c;
  REQUIRE(c.ok);
  server_fixture f(tls_server(c, "good.cert.pem", "good.key.pem"));
  REQUIRE(f.port != 0);
  responder echo(f);
  client_fixture client(tls_client(f.url("/", true), {{"cafile", c.file("ca.cert.pem")}}));
  auto e = exchange_once(client);
  CHECK(e.port == "out");
  CHECK(e.payload == value(record{{"n", 1}}));
  std::string out;
  REQUIRE(probe("tls-version", f.port, {"1.2"}, out) == 0);
  CHECK(out == "ok TLSv1.2");
  REQUIRE(probe("tls-version", f.port, {"1.1"}, out) == 0);
  CHECK(out.rfind("refused", 0) == 0);
}

TEST_CASE("TLS expired: the client refuses the server's expired certificate and says so") {
  certs c;
  REQUIRE(c.ok);
  server_fixture f(tls_server(c, "expired.cert.pem", "expired.key.pem"));
  REQUIRE(f.port != 0);
  client_fixture client(tls_client(f.url("/", true), {{"cafile", c.file("ca.cert.pem")}}));
  auto e = exchange_once(client);
  CHECK(e.port == "err");
  CHECK(error_of(e).find("expired") != std::string::npos);
  CHECK(client.ctx->wait([&] { return client.ctx->fails.size() == 1; }));
  CHECK(f.ctx->wait([&] { return f.ctx->counters["tls_handshakes_failed"].load() == 1; }));
}

TEST_CASE("TLS wrong host: refused for localhost, accepted with tls.domain naming the certificate's host") {
  certs c;
  REQUIRE(c.ok);
  server_fixture f(tls_server(c, "wronghost.cert.pem", "wronghost.key.pem"));
  REQUIRE(f.port != 0);
  responder echo(f);
  {
    client_fixture client(tls_client(f.url("/", true), {{"cafile", c.file("ca.cert.pem")}}));
    auto e = exchange_once(client);
    CHECK(e.port == "err");
    CHECK(error_of(e).find("localhost") != std::string::npos);
  }
  {
    client_fixture client(tls_client(f.url("/", true), {{"cafile", c.file("ca.cert.pem")},
                                                        {"domain", "other.example"}}));
    auto e = exchange_once(client);
    CHECK(e.port == "out");
  }
}

TEST_CASE("TLS unknown CA: the client trusts only its cafile and names it") {
  certs c;
  REQUIRE(c.ok);
  server_fixture f(tls_server(c, "good.cert.pem", "good.key.pem"));
  REQUIRE(f.port != 0);
  client_fixture client(tls_client(f.url("/", true), {{"cafile", c.file("otherca.cert.pem")}}));
  auto e = exchange_once(client);
  CHECK(e.port == "err");
  CHECK(error_of(e).find("issuer") != std::string::npos);
  CHECK(error_of(e).find(c.file("otherca.cert.pem")) != std::string::npos);
  // tls = true trusts the system's CAs, which do not include ours.
  client_fixture system(value(record{{"url", f.url("/", true)}, {"tls", true}}));
  e = exchange_once(system);
  CHECK(e.port == "err");
  CHECK(error_of(e).find("system") != std::string::npos);
}

TEST_CASE("TLS key files: missing, garbage and mismatched keys fail check() and connect, naming the file") {
  certs c;
  REQUIRE(c.ok);
  struct bad {
    std::string key;
    std::string says;
  };
  for (const auto& b : {bad{"missing.key.pem", "cannot read file"},
                        bad{"garbage.key.pem", "cannot load private key"},
                        bad{"other.key.pem", "mismatch"}}) {
    CAPTURE(b.key);
    auto ctx = std::make_shared<recording_context>();
    std::string err;
    auto conn = ws::testing::make_connector(http::http_server_descriptor(),
                                            tls_server(c, "good.cert.pem", b.key), ctx, 1, err);
    REQUIRE(conn);
    std::string why;
    CHECK_FALSE(conn->check(why));
    CHECK(why.find(c.file(b.key)) != std::string::npos);
    CAPTURE(why);
    CHECK(why.find(b.says) != std::string::npos);
    conn->start(test_start());
    conn->connect();
    CHECK_FALSE(ctx->wait_connect_outcome());
    REQUIRE(ctx->connect_failures.size() == 1);
    CHECK(ctx->connect_failures[0].find(c.file(b.key)) != std::string::npos);
    conn->stop();
  }
  // The client's files are checked too.
  auto ctx = std::make_shared<recording_context>();
  std::string err;
  auto client = ws::testing::make_connector(
      http::http_client_descriptor(),
      tls_client("https://localhost:1", {{"cafile", c.file("ca.cert.pem")},
                                         {"cert", c.file("good.cert.pem")},
                                         {"key", c.file("missing.key.pem")}}),
      ctx, 1, err);
  REQUIRE(client);
  std::string why;
  CHECK_FALSE(client->check(why));
  CHECK(why.find(c.file("missing.key.pem")) != std::string::npos);
}

TEST_CASE("TLS mismatch: plain HTTP to a TLS server and TLS to a plain server fail on both sides, counted") {
  certs c;
  REQUIRE(c.ok);
  server_fixture tls(tls_server(c, "good.cert.pem", "good.key.pem"));
  server_fixture plain;
  REQUIRE(tls.port != 0);
  REQUIRE(plain.port != 0);
  {
    client_fixture client(value(record{{"url", tls.url("/", false)}, {"timeout", uint64_t(5000000000)}}));
    auto e = exchange_once(client);
    CHECK(e.port == "err");
    CHECK(tls.ctx->wait([&] { return tls.ctx->counters["tls_handshakes_failed"].load() == 1; }));
  }
  {
    client_fixture client(tls_client("https://localhost:" + std::to_string(plain.port) + "/",
                                     {{"cafile", c.file("ca.cert.pem")}}));
    auto e = exchange_once(client);
    CHECK(e.port == "err");
    CHECK(plain.ctx->wait([&] { return plain.ctx->counters["rejected_400_bad_request"].load() == 1; }));
  }
}

TEST_CASE("TLS stalled handshake: the server closes after tls_handshake_timeout_ms, the client after its timeout") {
  certs c;
  REQUIRE(c.ok);
  server_fixture f(tls_server(c, "good.cert.pem", "good.key.pem", {{"tls_handshake_timeout_ms", 500}}));
  REQUIRE(f.port != 0);
  std::string out;
  REQUIRE(probe("idle", f.port, {}, out) == 0);
  double after = std::stod(out.substr(std::string("closed after ").size()));
  CHECK(after >= 0.4);
  CHECK(after < 3.0);
  CHECK(f.ctx->count("tls_handshakes_timed_out") == 1);

  silent_listener mute;
  REQUIRE(mute.port != 0);
  client_fixture client(tls_client("https://localhost:" + std::to_string(mute.port) + "/",
                                   {{"cafile", c.file("ca.cert.pem")}}, 700000000));
  auto start = std::chrono::steady_clock::now();
  auto e = exchange_once(client);
  CHECK(e.port == "err");
  CHECK(error_of(e).find("timed out") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("TLS minimum 1.2: the client refuses a server that only speaks TLS 1.1") {
  certs c;
  REQUIRE(c.ok);
  uint16_t port = free_port();
  REQUIRE(port != 0);
  child_process old({"openssl", "s_server", "-quiet", "-www", "-accept",
                     "127.0.0.1:" + std::to_string(port), "-cert", c.file("good.cert.pem"), "-key",
                     c.file("good.key.pem"), "-tls1_1", "-cipher", "ALL:@SECLEVEL=0"},
                    true);
  REQUIRE(wait_port(port));
  client_fixture client(tls_client("https://localhost:" + std::to_string(port) + "/",
                                   {{"cafile", c.file("ca.cert.pem")}}));
  auto e = exchange_once(client);
  CHECK(e.port == "err");
  std::string why = error_of(e);
  CAPTURE(why);
  CHECK((why.find("version") != std::string::npos || why.find("protocol") != std::string::npos));
}

} // TEST_SUITE
