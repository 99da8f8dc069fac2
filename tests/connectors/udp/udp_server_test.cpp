#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "connectors/udp/udp_server.hpp"
#include "tests/connectors/recording_context.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::testing;
using ws::testing::child_process;
using ws::testing::peer_script;
using ws::testing::received_frame;

namespace {

std::string hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

/// A udp_server under test, bound and connected (check `port`).
struct server {
  explicit server(value config, bool resume = true) {
    conn = ws::testing::make_connector(udp::udp_server_descriptor(), std::move(config), ctx, 5, err);
    if (!conn)
      return;
    conn->start(ws::testing::test_start(false, true));
    conn->connect();
    if (!ctx->wait_connect_outcome())
      return;
    port = ctx->listening_port();
    if (resume)
      conn->resume();
  }
  ~server() {
    if (conn)
      conn->stop();
  }

  std::shared_ptr<recording_context> ctx = std::make_shared<recording_context>();
  std::unique_ptr<connector> conn;
  std::string err;
  uint16_t port = 0;
};

value url_config(const std::string& url, record extra = {}) {
  record r{{"url", url}};
  for (auto& [k, v] : extra)
    r.set(k, v);
  return value{std::move(r)};
}

/// For wait() predicates, which run under the context's lock (so cannot
/// call logged()).
bool has_line(const std::vector<std::string>& logs, const std::string& text) {
  for (const auto& l : logs)
    if (l.find(text) != std::string::npos)
      return true;
  return false;
}

int send_with_python(uint16_t port, const std::vector<std::string>& payloads_hex) {
  std::vector<std::string> argv{"/usr/bin/python3", peer_script("py_udp_peer.py"), "send",
                                std::to_string(port)};
  argv.insert(argv.end(), payloads_hex.begin(), payloads_hex.end());
  child_process p(argv);
  return p.wait(20s);
}

std::string load_error(value config) {
  auto ctx = std::make_shared<recording_context>();
  std::string err;
  CHECK(ws::testing::make_connector(udp::udp_server_descriptor(), std::move(config), ctx, 5, err) ==
        nullptr);
  return err;
}

} // namespace

TEST_SUITE("connectors.udp") {

TEST_CASE("udp_server: each datagram from a Python sender is one chunk of stream 0, bytes intact, no meta") {
  server s(url_config("127.0.0.1:0"));
  REQUIRE(s.port != 0);
  const std::string binary("\x00\xff\x01\r\n\x80tail", 10);
  const std::string big(1500, 'b');
  REQUIRE(send_with_python(s.port, {hex(binary), "", hex("hello"), hex(big)}) == 0);
  const std::string expected[] = {binary, "", "hello", big};
  for (const auto& want : expected) {
    received_frame f;
    REQUIRE(s.ctx->pop(f));
    CHECK(f.stream == 0);
    CHECK(f.meta.is_null());
    CHECK(f.data == want);
  }
}

TEST_CASE("udp_server: reads nothing before resume, what waited in the kernel comes after") {
  server s(url_config("127.0.0.1:0"), /*resume=*/false);
  REQUIRE(s.port != 0);
  REQUIRE(send_with_python(s.port, {hex("early")}) == 0);
  CHECK_FALSE(s.ctx->wait([&] { return !s.ctx->frames.empty(); }, 300ms));
  s.conn->resume();
  received_frame f;
  REQUIRE(s.ctx->pop(f));
  CHECK(f.data == "early");
}

TEST_CASE("udp_server: pause() holds the datagrams back until resume(), then they follow in order") {
  server s(url_config("127.0.0.1:0"));
  REQUIRE(s.port != 0);
  REQUIRE(send_with_python(s.port, {hex("before")}) == 0);
  received_frame f;
  REQUIRE(s.ctx->pop(f));
  CHECK(f.data == "before");
  s.conn->pause();
  REQUIRE(send_with_python(s.port, {hex("while paused"), hex("and after it")}) == 0);
  CHECK_FALSE(s.ctx->wait([&] { return !s.ctx->frames.empty(); }, 300ms));
  s.conn->resume();
  REQUIRE(s.ctx->pop(f));
  CHECK(f.data == "while paused");
  REQUIRE(s.ctx->pop(f));
  CHECK(f.data == "and after it");
}

TEST_CASE("udp_server: a burst far larger than the kernel's buffer arrives whole while the flow is briefly paused") {
  // The runtime pauses the server while its flow is behind. The kernel's
  // default receive buffer (~200 KiB) holds about 200 such datagrams, so
  // the server must go on reading into its own bounded queue meanwhile.
  server s(url_config("127.0.0.1:0"));
  REQUIRE(s.port != 0);
  s.conn->pause();
  constexpr int sent = 3000; // 900 KB; paced, so only the pause could make the kernel drop
  child_process p({"/usr/bin/python3", peer_script("py_udp_peer.py"), "paced", std::to_string(s.port),
                   std::to_string(sent), "300", "5000"});
  REQUIRE(p.wait(30s) == 0);
  CHECK_FALSE(s.ctx->wait([&] { return !s.ctx->frames.empty(); }, 10ms));
  s.conn->resume();
  REQUIRE(s.ctx->wait([&] { return s.ctx->frames.size() == static_cast<size_t>(sent); }, 10s));
  for (int k = 0; k < sent; ++k) {
    received_frame f;
    REQUIRE(s.ctx->pop(f));
    REQUIRE(f.data.size() == 300);
    REQUIRE(f.data.compare(0, std::to_string(k).size() + 2, "#" + std::to_string(k) + " ") == 0);
  }
  CHECK(s.ctx->counter_value("datagrams_dropped_by_kernel") == 0);
}

TEST_CASE("udp_server: a datagram longer than buf_size is cut to it and counted") {
  server s(url_config("127.0.0.1:0", {{"buf_size", 16}}));
  REQUIRE(s.port != 0);
  REQUIRE(send_with_python(s.port, {hex(std::string(40, 'z')), hex("short")}) == 0);
  received_frame f;
  REQUIRE(s.ctx->pop(f));
  CHECK(f.data == std::string(16, 'z'));
  REQUIRE(s.ctx->pop(f));
  CHECK(f.data == "short");
  CHECK(s.ctx->counter_value("datagrams_truncated") == 1);
  CHECK(s.ctx->logged("longer than `buf_size` (16 bytes)"));
}

TEST_CASE("udp_server: what the kernel drops while paused with a full queue is counted, so received + dropped = sent") {
  server s(url_config("127.0.0.1:0"), /*resume=*/false);
  REQUIRE(s.port != 0);
  // 8 MB: twice what the server reads ahead of a paused flow.
  constexpr int sent = 8000;
  child_process p({"/usr/bin/python3", peer_script("py_udp_peer.py"), "flood", std::to_string(s.port),
                   std::to_string(sent), "1000"});
  REQUIRE(p.wait(30s) == 0);
  s.conn->resume();
  // The kernel's count is taken whenever the server reads.
  REQUIRE(s.ctx->wait(
    [&] {
      return s.ctx->frames.size() + s.ctx->counters["datagrams_dropped_by_kernel"].load() ==
             static_cast<size_t>(sent);
    },
    10s));
  const uint64_t dropped = s.ctx->counter_value("datagrams_dropped_by_kernel");
  CHECK(dropped > 0);
  // Operators read it in the log too, and a graceful stop gives the total.
  CHECK(s.ctx->wait([&] { return has_line(s.ctx->logs, "datagram(s) dropped by the kernel so far"); }, 5s));
  s.conn->drain();
  const std::string total = std::to_string(dropped) + " datagram(s) dropped by the kernel in all";
  CHECK(s.ctx->wait([&] { return has_line(s.ctx->logs, total); }, 5s));
}

TEST_CASE("udp_server: a port taken by a socket without SO_REUSEADDR fails the connect with the reason") {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const uint16_t port = ntohs(addr.sin_port);

  auto ctx = std::make_shared<recording_context>();
  std::string err;
  auto c = ws::testing::make_connector(udp::udp_server_descriptor(),
                                       url_config("127.0.0.1:" + std::to_string(port)), ctx, 5, err);
  REQUIRE(c);
  c->start(ws::testing::test_start(false, true));
  c->connect();
  CHECK_FALSE(ctx->wait_connect_outcome());
  REQUIRE(ctx->connect_failures.size() == 1);
  CHECK(ctx->connect_failures[0].find("Address already in use") != std::string::npos);
  CHECK(ctx->connect_failures[0].find(std::to_string(port)) != std::string::npos);
  // Retried once the port is free, as the reconnect policy would.
  ::close(fd);
  c->connect();
  CHECK(ctx->wait_connect_outcome());
  c->stop();
}

TEST_CASE("udp_server: two servers with SO_REUSEPORT share a port") {
  server first(url_config("127.0.0.1:0", {{"socket_options", value{record{{"SO_REUSEPORT", true}}}}}));
  REQUIRE(first.port != 0);
  server second(url_config("127.0.0.1:" + std::to_string(first.port),
                           {{"socket_options", value{record{{"SO_REUSEPORT", true}, {"SO_REUSEADDR", false}}}}}));
  CHECK(second.port == first.port);
  server refused(url_config("127.0.0.1:" + std::to_string(first.port),
                            {{"socket_options", value{record{{"SO_REUSEADDR", false}}}}}));
  CHECK(refused.port == 0);
}

TEST_CASE("udp_server: config errors name the key") {
  CHECK(load_error(value{record{}}).find("missing required key `config.url`") != std::string::npos);
  CHECK(load_error(url_config("127.0.0.1:0", {{"buf_size", 0}})).find("`buf_size` must be at least 1") !=
        std::string::npos);
  CHECK(load_error(url_config("127.0.0.1:0", {{"socket_options", value{record{{"TCP_NODELAY", true}}}}}))
          .find("unknown key `TCP_NODELAY` in `config.socket_options`") != std::string::npos);
  CHECK(load_error(url_config("127.0.0.1:99999")).find("url") != std::string::npos);
}

}
