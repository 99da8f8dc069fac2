// RFC 6455 and TLS details of ws_server and ws_client that issue #16 found
// wrong or unguarded: random masking keys, handshake validation, close
// codes, certificate checks and warnings. Real sockets, raw Python peers.

#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "connectors/ws/ws_client.hpp"
#include "connectors/ws/ws_server.hpp"
#include "tests/connectors/ws/test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::ws::testing;

namespace {

std::string probe(uint16_t port, const std::string& kind) {
  child_process p({"/usr/bin/python3", peer_script("py_ws_probe.py"), "127.0.0.1",
                   std::to_string(port), kind});
  std::string line;
  p.read_line(line);
  p.wait();
  return line;
}

value tls_server(const temp_dir& dir, const std::string& name) {
  return value(record{{"url", "127.0.0.1:0"},
                      {"tls", record{{"cert", dir.file(name + ".cert.pem")},
                                     {"key", dir.file(name + ".key.pem")}}}});
}

std::string first_failure(fake_context& ctx) {
  std::lock_guard<std::mutex> g(ctx.mtx);
  return ctx.connect_failures.empty() ? std::string() : ctx.connect_failures[0];
}

} // namespace

TEST_SUITE("connectors.ws.protocol") {

TEST_CASE("ws_client masks every frame with a fresh random key and sends a fresh Sec-WebSocket-Key per connection") {
  child_process peer({"/usr/bin/python3", peer_script("py_ws_capture_server.py"), "2"});
  std::string line;
  REQUIRE(peer.read_line(line));
  REQUIRE(line.rfind("port ", 0) == 0);
  const std::string url = "ws://127.0.0.1:" + line.substr(5);
  std::set<std::string> keys;
  std::set<std::string> masks;
  for (int connection = 0; connection < 2; ++connection) {
    client_fixture cl(value(record{{"url", url}}));
    REQUIRE(cl.ok);
    REQUIRE(peer.read_line(line));
    REQUIRE(line.rfind("key ", 0) == 0);
    keys.insert(line.substr(4));
    for (int i = 0; i < 5; ++i) {
      const std::string text = "frame " + std::to_string(i);
      REQUIRE(cl.conn->write("in", make_event(1, 0, text, value()), cl.ser) == sink_outcome::done);
      REQUIRE(peer.read_line(line));
      REQUIRE(line.rfind("mask ", 0) == 0);
      CHECK(line.substr(14) == text); // "mask " + 8 hex digits + " "
      masks.insert(line.substr(5, 8));
    }
    cl.conn->stop();
    REQUIRE(peer.read_line(line));
    CHECK(line == "closed");
  }
  CHECK(keys.size() == 2);
  CHECK(keys.count("AAAAAAAAAAAAAAAAAAAAAA==") == 0);
  // 32 random bits: ten draws repeat with probability ~1e-8.
  CHECK(masks.size() == 10);
  CHECK(masks.count("00000000") == 0);
}

TEST_CASE("ws_server answers 400 to a Sec-WebSocket-Key that is not the base64 of 16 bytes") {
  server_fixture srv;
  REQUIRE(srv.port != 0);
  CHECK(probe(srv.port, "key-short") == "status 400");
  CHECK(probe(srv.port, "key-long") == "status 400");
  CHECK(probe(srv.port, "key-not-base64") == "status 400");
  CHECK(probe(srv.port, "good") == "status 101");
}

TEST_CASE("ws_server answers 426 offering version 13 to an upgrade of version 8") {
  server_fixture srv;
  REQUIRE(srv.port != 0);
  CHECK(probe(srv.port, "version-8") == "status 426 version 13");
}

TEST_CASE("ws_server answers 400 to an upgrade with a NUL byte in a header") {
  server_fixture srv;
  REQUIRE(srv.port != 0);
  CHECK(probe(srv.port, "nul-header") == "status 400");
}

TEST_CASE("ws_server closes with 1002 on a frame length that is not minimally encoded") {
  server_fixture srv;
  REQUIRE(srv.port != 0);
  CHECK(probe(srv.port, "non-minimal-16") == "close 1002");
  CHECK(probe(srv.port, "non-minimal-64") == "close 1002");
  received_frame f;
  CHECK_FALSE(srv.ctx->pop(f, 100ms)); // neither message was delivered
}

TEST_CASE("ws_server warns at connect and in check() when its certificate has expired") {
  temp_dir dir;
  REQUIRE(make_custom_cert(dir, "old", {"--san", "DNS:localhost", "--valid-from", "-10",
                                        "--valid-to", "-1"}));
  server_fixture srv(tls_server(dir, "old"));
  CHECK(srv.port != 0); // it still serves: the clients decide
  CHECK(srv.ctx->logged("expired on"));
  CHECK(srv.ctx->logged(dir.file("old.cert.pem")));

  auto ctx = std::make_shared<fake_context>();
  std::string err;
  auto conn = make_connector(ws::ws_server_descriptor(), tls_server(dir, "old"), ctx, 1, err);
  REQUIRE(conn);
  CHECK(conn->check(err));
  CHECK(ctx->logged("expired on"));
}

TEST_CASE("ws_server and ws_client warn at load when the url says wss:// but no tls is configured") {
  auto server_ctx = std::make_shared<fake_context>();
  std::string err;
  auto server = make_connector(ws::ws_server_descriptor(), value(record{{"url", "wss://127.0.0.1:0"}}),
                               server_ctx, 1, err);
  REQUIRE(server);
  CHECK(server_ctx->logged("no `tls` is configured: serving plaintext"));
  auto client_ctx = std::make_shared<fake_context>();
  auto client = make_connector(ws::ws_client_descriptor(),
                               value(record{{"url", "wss://127.0.0.1:4443"}}), client_ctx, 1, err);
  REQUIRE(client);
  CHECK(client_ctx->logged("no `tls` is configured: connecting in plaintext"));
  // With `tls`, nothing to say.
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  auto quiet_ctx = std::make_shared<fake_context>();
  value with_tls = tls_server(dir, "srv");
  with_tls.set("url", "wss://127.0.0.1:0");
  REQUIRE(make_connector(ws::ws_server_descriptor(), with_tls, quiet_ctx, 1, err));
  CHECK_FALSE(quiet_ctx->logged("no `tls`"));
}

TEST_CASE("ws_server check() fails on unreadable, garbage and mismatched TLS files, naming the key and the reason") {
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  REQUIRE(make_cert(dir, "other"));
  std::ofstream(dir.file("garbage.pem")) << "not a certificate\n";
  auto check_of = [&](const std::string& cert, const std::string& key) {
    auto ctx = std::make_shared<fake_context>();
    std::string err;
    auto conn = make_connector(
        ws::ws_server_descriptor(),
        value(record{{"url", "127.0.0.1:0"}, {"tls", record{{"cert", cert}, {"key", key}}}}), ctx, 1,
        err);
    REQUIRE(conn);
    CHECK_FALSE(conn->check(err));
    return err;
  };
  std::string err = check_of(dir.file("missing.pem"), dir.file("srv.key.pem"));
  CHECK(err.find("`tls.cert`: cannot read file `" + dir.file("missing.pem") + "`") != std::string::npos);
  err = check_of(dir.file("garbage.pem"), dir.file("srv.key.pem"));
  CHECK_MESSAGE(err.find("`tls.cert`: cannot load certificate file `" + dir.file("garbage.pem")) == 0, err);
  CHECK_MESSAGE(err.find("PEM") != std::string::npos, err); // OpenSSL's reason
  err = check_of(dir.file("srv.cert.pem"), dir.file("garbage.pem"));
  CHECK_MESSAGE(err.find("`tls.key`: cannot load private key file") == 0, err);
  err = check_of(dir.file("srv.cert.pem"), dir.file("other.key.pem"));
  CHECK_MESSAGE(err.find("`tls.key`: private key file `" + dir.file("other.key.pem") +
                         "` does not match certificate file") == 0,
                err);
  // And good files pass.
  auto ctx = std::make_shared<fake_context>();
  auto good = make_connector(ws::ws_server_descriptor(), tls_server(dir, "srv"), ctx, 1, err);
  REQUIRE(good);
  CHECK(good->check(err));
}

TEST_CASE("ws_client check() fails on unreadable and garbage TLS files, naming the key and the reason") {
  temp_dir dir;
  std::ofstream(dir.file("garbage.pem")) << "not a certificate\n";
  auto check_of = [&](record tls) {
    auto ctx = std::make_shared<fake_context>();
    std::string err;
    auto conn = make_connector(ws::ws_client_descriptor(),
                               value(record{{"url", "wss://localhost:4443"}, {"tls", std::move(tls)}}),
                               ctx, 1, err);
    REQUIRE(conn);
    CHECK_FALSE(conn->check(err));
    return err;
  };
  std::string err = check_of(record{{"cafile", dir.file("missing.pem")}});
  CHECK_MESSAGE(err.find("`tls.cafile`: cannot read file") == 0, err);
  err = check_of(record{{"cafile", dir.file("garbage.pem")}});
  CHECK_MESSAGE(err.find("`tls.cafile`: cannot load CA file") == 0, err);
  err = check_of(record{{"cert", dir.file("garbage.pem")}, {"key", dir.file("garbage.pem")}});
  CHECK_MESSAGE(err.find("`tls.cert`: cannot load certificate file") == 0, err);
}

TEST_CASE("ws_client says it closed the connection itself when the server broke the protocol") {
  child_process peer({"/usr/bin/python3", peer_script("py_ws_hostile_server.py"), "rsv-then-drop"});
  std::string line;
  REQUIRE(peer.read_line(line));
  REQUIRE(line.rfind("port ", 0) == 0);
  client_fixture cl(value(record{{"url", "ws://127.0.0.1:" + line.substr(5)}}));
  REQUIRE(cl.ok);
  REQUIRE(peer.read_line(line));
  CHECK(line == "client closed 1002");
  REQUIRE(cl.ctx->wait([&] { return !cl.ctx->lost.empty(); }));
  std::string why = cl.ctx->lost[0];
  CHECK_MESSAGE(why.find("closed by the client (1002") != std::string::npos, why);
  CHECK_MESSAGE(why.find("by the server") == std::string::npos, why);
  CHECK_MESSAGE(why.find("1006") == std::string::npos, why);
}

TEST_CASE("ws_client checks the IP address in the certificate when the url host is an IP literal") {
  temp_dir dir;
  REQUIRE(make_custom_cert(dir, "ca", {"--cn", "Test CA", "--is-ca"}));
  REQUIRE(make_custom_cert(dir, "ip", {"--ca", dir.file("ca"), "--san", "IP:127.0.0.1"}));
  REQUIRE(make_custom_cert(dir, "dns", {"--ca", dir.file("ca"), "--san", "DNS:localhost"}));
  const value cafile = value(record{{"cafile", dir.file("ca.cert.pem")}});
  {
    server_fixture srv(tls_server(dir, "ip"));
    client_fixture cl(value(record{{"url", "wss://127.0.0.1:" + std::to_string(srv.port)},
                                   {"tls", cafile}}));
    CHECK_MESSAGE(cl.ok, first_failure(*cl.ctx));
  }
  {
    // Signed by the trusted CA, but not for 127.0.0.1.
    server_fixture srv(tls_server(dir, "dns"));
    client_fixture cl(value(record{{"url", "wss://127.0.0.1:" + std::to_string(srv.port)},
                                   {"tls", cafile}}));
    CHECK_FALSE(cl.ok);
    std::string why = first_failure(*cl.ctx);
    CHECK_MESSAGE(why.find("IP address mismatch") != std::string::npos, why);
    CHECK_MESSAGE(why.find("127.0.0.1") != std::string::npos, why);
  }
}

TEST_CASE("ws_client refuses a certificate issued for another host name") {
  temp_dir dir;
  REQUIRE(make_custom_cert(dir, "ca", {"--cn", "Test CA", "--is-ca"}));
  REQUIRE(make_custom_cert(dir, "elsewhere",
                           {"--ca", dir.file("ca"), "--cn", "elsewhere.example", "--san",
                            "DNS:elsewhere.example", "--san", "IP:127.0.0.1"}));
  server_fixture srv(tls_server(dir, "elsewhere"));
  REQUIRE(srv.port != 0);
  // The url names localhost and no `tls.domain` says otherwise.
  client_fixture cl(value(record{{"url", "wss://localhost:" + std::to_string(srv.port)},
                                 {"tls", record{{"cafile", dir.file("ca.cert.pem")}}}}));
  CHECK_FALSE(cl.ok);
  std::string why = first_failure(*cl.ctx);
  CHECK_MESSAGE(why.find("hostname mismatch") != std::string::npos, why);
  CHECK_MESSAGE(why.find("`localhost`") != std::string::npos, why);
}

TEST_CASE("ws_server delivers the messages it held while paused before ending the stream of a client that left") {
  server_fixture srv;
  client_fixture cl(value(record{{"url", srv.url()}}));
  REQUIRE(cl.ok);
  REQUIRE(cl.conn->write("in", make_event(1, 0, "first", value()), cl.ser) == sink_outcome::done);
  received_frame f;
  REQUIRE(srv.ctx->pop(f));
  srv.conn->pause();
  for (const char* text : {"held 1", "held 2"})
    REQUIRE(cl.conn->write("in", make_event(1, 0, text, value()), cl.ser) == sink_outcome::done);
  CHECK_FALSE(srv.ctx->pop(f, 300ms)); // paused: read, but held
  cl.conn->stop();
  // Whether the client's close frame came with the held messages (the
  // stream ends while paused) or after them (it is read on resume), the
  // stream's end must not overtake what was read.
  srv.conn->resume();
  const std::string end = "end:" + std::to_string(f.stream);
  REQUIRE(srv.ctx->wait([&] { return !srv.ctx->finished.empty(); }));
  std::lock_guard<std::mutex> g(srv.ctx->mtx);
  std::vector<std::string> expected{"bytes:first", "bytes:held 1", "bytes:held 2", end};
  CHECK(srv.ctx->sequence == expected);
}

} // TEST_SUITE
