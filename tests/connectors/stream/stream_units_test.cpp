// The plain classes under the stream connectors: reply routing, the
// unfinished-line budget, socket file modes, and config validation.

#include <doctest/doctest.h>

#include "connectors/common/line_budget.hpp"
#include "connectors/common/peer_registry.hpp"
#include "connectors/tcp/tcp_client.hpp"
#include "connectors/tcp/tcp_server.hpp"
#include "connectors/unix_socket/file_mode.hpp"
#include "connectors/unix_socket/unix_socket_server.hpp"
#include "tests/connectors/stream/stream_test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::common;
using namespace temblor::connectors::stream_testing;

namespace {

std::vector<uint64_t> streams_of(const std::vector<peer_ptr>& peers) {
  std::vector<uint64_t> out;
  for (const auto& p : peers)
    out.push_back(p->stream);
  return out;
}

std::string build_error(const connector_descriptor& d, value config) {
  auto ctx = std::make_shared<recording_context>();
  std::string err;
  auto c = ws::testing::make_connector(d, std::move(config), ctx, 1, err);
  return c ? std::string() : err;
}

} // namespace

TEST_SUITE("connectors.stream") {

TEST_CASE("peer_registry sends a reply to the peer its meta names, else to every origin") {
  peer_registry reg;
  for (uint64_t s = 0; s < 3; ++s)
    reg.add(std::make_shared<stream_peer>(s, "10.0.0.1:" + std::to_string(1000 + s)));
  event_id from_0_and_2(7, 0, 1);
  from_0_and_2.track(event_id(7, 2, 5));
  from_0_and_2.track(event_id(99, 1, 1)); // another connector's stream 1: not ours
  std::vector<peer_ptr> out;

  std::string key = "10.0.0.1:1001";
  reg.find_targets(&key, from_0_and_2, 7, out);
  CHECK(streams_of(out) == std::vector<uint64_t>{1});

  out.clear();
  reg.find_targets(nullptr, from_0_and_2, 7, out);
  CHECK(streams_of(out) == std::vector<uint64_t>{0, 2});

  out.clear();
  std::string gone = "10.0.0.1:9";
  reg.find_targets(&gone, from_0_and_2, 7, out); // an unknown peer falls back to the origins
  CHECK(streams_of(out) == std::vector<uint64_t>{0, 2});

  out.clear();
  event_id twice(7, 2, 1);
  twice.track(event_id(7, 2, 9));
  reg.find_targets(nullptr, twice, 7, out);
  CHECK(streams_of(out) == std::vector<uint64_t>{2}); // once per connection

  CHECK(reg.remove(2));
  CHECK_FALSE(reg.remove(2));
  out.clear();
  reg.find_targets(nullptr, from_0_and_2, 7, out);
  CHECK(streams_of(out) == std::vector<uint64_t>{0});
}

TEST_CASE("peer_registry skips closed peers and keeps a key a newer peer took") {
  peer_registry reg;
  auto old_peer = std::make_shared<stream_peer>(1, "h:1");
  auto new_peer = std::make_shared<stream_peer>(2, "h:1"); // same address, reused port
  reg.add(old_peer);
  reg.add(new_peer);
  reg.remove(1);
  std::vector<peer_ptr> out;
  std::string key = "h:1";
  reg.find_targets(&key, event_id(), 7, out);
  CHECK(streams_of(out) == std::vector<uint64_t>{2});
  new_peer->closed = true;
  out.clear();
  reg.find_targets(&key, event_id(7, 2, 0), 7, out);
  CHECK(out.empty());
}

TEST_CASE("line_budget counts what follows the last newline across connections") {
  line_budget budget(100);
  uint64_t a = 0, b = 0;
  CHECK(budget.take(a, "first line\nhalf"));
  CHECK(a == 4);
  CHECK(budget.take(a, " more"));
  CHECK(a == 9);
  CHECK(budget.take(a, "end\n"));
  CHECK(a == 0);
  CHECK(budget.take(b, std::string(60, 'x')));
  CHECK(budget.take(a, std::string(40, 'y')));
  CHECK(budget.used() == 100);
  CHECK_FALSE(budget.take(a, "z")); // 101: over
  budget.release(a);
  CHECK(a == 0);
  CHECK(budget.used() == 60);
  CHECK(budget.take(b, "\n"));
  CHECK(budget.used() == 0);
  line_budget unlimited(0);
  uint64_t c = 0;
  CHECK(unlimited.take(c, std::string(1 << 20, 'x')));
}

TEST_CASE("file_mode reads chmod's octal and symbolic notations") {
  using unix_socket::file_mode;
  auto mode = [](const char* text, uint32_t base) {
    file_mode m;
    std::string err;
    REQUIRE_MESSAGE(file_mode::parse(text, m, err), err);
    return m.apply(base);
  };
  CHECK(mode("=600", 0755) == 0600);
  CHECK(mode("600", 0755) == 0600);
  CHECK(mode("0660", 0755) == 0660);
  CHECK(mode("u=rw,g=r", 0777) == 0647);
  CHECK(mode("u=rw,go=", 0777) == 0600);
  CHECK(mode("go-rwx", 0775) == 0700);
  CHECK(mode("a+w", 0444) == 0666);
  CHECK(mode("+x", 0600) == 0711);
  CHECK(mode("u+r-w", 0200) == 0400);
  for (const char* bad : {"", "=999", "=1777", "u+q", "u=rw,", "k=r", "12345"}) {
    file_mode m;
    std::string err;
    CHECK_MESSAGE(!file_mode::parse(bad, m, err), bad);
    CHECK(err.find("`permissions`") != std::string::npos);
  }
}

TEST_CASE("stream connectors reject bad configs naming the key") {
  CHECK(build_error(tcp::tcp_server_descriptor(),
                    value(record{{"url", "127.0.0.1:0"},
                                 {"socket_options", record{{"SO_KEEPALIVE", true}}}}))
            .find("SO_KEEPALIVE") != std::string::npos);
  CHECK(build_error(tcp::tcp_server_descriptor(), value(record{{"url", "127.0.0.1:0"}, {"max_connections", 0}}))
            .find("max_connections") != std::string::npos);
  CHECK(build_error(tcp::tcp_server_descriptor(), value(record{{"url", "127.0.0.1:0"}, {"buf_size", 0}}))
            .find("buf_size") != std::string::npos);
  CHECK(build_error(tcp::tcp_server_descriptor(),
                    value(record{{"url", "127.0.0.1:0"}, {"tls", record{{"cert", "c.pem"}}}}))
            .find("key") != std::string::npos);
  CHECK(build_error(tcp::tcp_client_descriptor(), value(record{{"url", "localhost"}}))
            .find("has no port") != std::string::npos);
  CHECK(build_error(tcp::tcp_client_descriptor(),
                    value(record{{"url", "localhost:1"}, {"tls", record{{"cert", "c.pem"}}}}))
            .find("together") != std::string::npos);
  CHECK(build_error(unix_socket::unix_socket_server_descriptor(),
                    value(record{{"path", "/tmp/x.sock"}, {"permissions", "u+z"}}))
            .find("permissions") != std::string::npos);
  CHECK(build_error(unix_socket::unix_socket_server_descriptor(),
                    value(record{{"path", std::string(200, 'p')}}))
            .find("`path`") != std::string::npos);

  tcp::tcp_server_config cfg;
  std::string err;
  value config(record{{"url", "0.0.0.0"}});
  REQUIRE(apply_schema(tcp::tcp_server_descriptor().config, config, config, err));
  REQUIRE(cfg.parse(config, err));
  CHECK(cfg.url.port == 4242); // Tremor's default port
  CHECK(cfg.backlog == 128);
  CHECK(cfg.limits.connection.buf_size == 8192);
}

} // TEST_SUITE
