// Unit tests of the shared network helpers and the ws config checks.

#include <doctest/doctest.h>

#include <openssl/ssl.h>

#include "connectors/common/socket_options.hpp"
#include "connectors/common/tls.hpp"
#include "connectors/common/url.hpp"
#include "connectors/ws/outbox.hpp"
#include "connectors/ws/ws_client.hpp"
#include "connectors/ws/ws_server.hpp"

using namespace temblor;
using namespace temblor::connectors;

TEST_SUITE("connectors.common") {

TEST_CASE("parse_url reads host:port forms with schemes and IPv6 and default ports") {
  common::url u;
  std::string err;
  REQUIRE(common::parse_url("localhost:8080", "ws", u, err));
  CHECK(u.scheme == "ws");
  CHECK(u.host == "localhost");
  CHECK(u.port == 8080);
  CHECK(u.has_port);
  CHECK(u.path == "/");

  REQUIRE(common::parse_url("wss://example.org/chat?x=1", "ws", u, err));
  CHECK(u.scheme == "wss");
  CHECK(u.port == 443);
  CHECK_FALSE(u.has_port);
  CHECK(u.path == "/chat?x=1");

  REQUIRE(common::parse_url("ws://[::1]:9000", "ws", u, err));
  CHECK(u.host == "::1");
  CHECK(u.authority() == "[::1]:9000");

  REQUIRE(common::parse_url("ws://0.0.0.0", "ws", u, err));
  CHECK(u.port == 80);
}

TEST_CASE("parse_url rejects a missing host and bad ports") {
  common::url u;
  std::string err;
  CHECK_FALSE(common::parse_url("ws://:80", "ws", u, err));
  CHECK(err.find("host") != std::string::npos);
  CHECK_FALSE(common::parse_url("localhost:70000", "ws", u, err));
  CHECK(err.find("port") != std::string::npos);
  CHECK_FALSE(common::parse_url("localhost:8a", "ws", u, err));
}

TEST_CASE("socket_options take uppercase keys and 0.12's no_delay and reject unknown keys") {
  common::socket_options o;
  std::string err;
  REQUIRE(o.parse(value(record{{"socket_options",
                                record{{"SO_REUSEPORT", true}, {"TCP_NODELAY", false}}}}),
                  err));
  CHECK(o.reuse_port);
  CHECK(o.reuse_addr);
  CHECK_FALSE(o.no_delay);

  common::socket_options o2;
  REQUIRE(o2.parse(value(record{{"no_delay", false}}), err));
  CHECK_FALSE(o2.no_delay);

  // Unknown names are the schema's to reject, with the path and a hint.
  value checked;
  CHECK_FALSE(apply_schema({common::socket_options_field()},
                           value(record{{"socket_options", record{{"so_reuseport", true}}}}),
                           checked, err));
  CHECK(err.find("config.socket_options") != std::string::npos);
  CHECK(err.find("so_reuseport") != std::string::npos);
  CHECK(err.find("SO_REUSEPORT") != std::string::npos); // the did-you-mean hint
}

TEST_CASE("tls client config accepts true or a record, and its files are checked when set up") {
  common::tls_client_config t;
  std::string err;
  REQUIRE(t.parse(value(record{{"tls", true}}), err));
  CHECK(t.enabled);
  common::tls_client_config t2;
  // Files are read when the context is set up (at connect), not when parsed.
  REQUIRE(t2.parse(value(record{{"tls", record{{"cafile", "/nonexistent/ca.pem"}}}}), err));
  SSL_CTX* ssl = SSL_CTX_new(TLS_client_method());
  REQUIRE(ssl != nullptr);
  CHECK_FALSE(common::setup_client_context(ssl, t2, err));
  SSL_CTX_free(ssl);
  CHECK(err.find("/nonexistent/ca.pem") != std::string::npos);
  CHECK(err.find("tls.cafile") != std::string::npos);
  common::tls_client_config t3;
  CHECK_FALSE(t3.parse(value(record{{"tls", record{{"cert", "/etc/hostname"}}}}), err));
  CHECK(err.find("together") != std::string::npos);
}

} // TEST_SUITE

TEST_SUITE("connectors.ws") {

TEST_CASE("ws_server config requires url and rejects unknown keys") {
  ws::ws_server_config c;
  std::string err;
  CHECK_FALSE(c.parse(value(record{}), err));
  CHECK(err.find("url") != std::string::npos);
  value checked;
  CHECK_FALSE(apply_schema(ws::ws_server_descriptor().config,
                           value(record{{"url", "localhost:1"}, {"backlogg", 5}}), checked, err));
  CHECK(err.find("backlogg") != std::string::npos);
  CHECK(err.find("did you mean `backlog`") != std::string::npos);
  ws::ws_server_config c3;
  REQUIRE(c3.parse(value(record{{"url", "wss://localhost:4443"}, {"backlog", 16}}), err));
  CHECK_FALSE(c3.tls.enabled); // the scheme alone does not turn TLS on
  CHECK(c3.backlog == 16);
}

TEST_CASE("ws_client config requires a port in the url") {
  ws::ws_client_config c;
  std::string err;
  CHECK_FALSE(c.parse(value(record{{"url", "ws://localhost"}}), err));
  CHECK(err.find("port") != std::string::npos);
  ws::ws_client_config c2;
  REQUIRE(c2.parse(value(record{{"url", "ws://localhost:8080/path"}, {"no_delay", false}}), err));
  CHECK(c2.url.path == "/path");
  CHECK_FALSE(c2.socket.no_delay);
}

TEST_CASE("the outbox bounds what waits per connection") {
  ws::send_state s(1);
  CHECK(ws::outbox::has_room(s, ws::outbox::max_buffered_bytes * 2)); // empty: one big frame ok
  s.buffered = ws::outbox::max_buffered_bytes - 10;
  CHECK(ws::outbox::has_room(s, 10));
  CHECK_FALSE(ws::outbox::has_room(s, 11));
  s.buffered = 0;
  s.posted = ws::outbox::max_buffered_bytes;
  CHECK_FALSE(ws::outbox::has_room(s, 1));
}


} // TEST_SUITE
