#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <string>

#include "connectors/udp/udp_client.hpp"
#include "tests/connectors/recording_context.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::testing;
using ws::testing::child_process;
using ws::testing::peer_script;

namespace {

/// A datagram as the Python receiver reported it.
struct seen {
  std::string host;
  uint16_t port = 0;
  std::string data;
};

std::string unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

/// The Python UDP receiver (a peer that is not ours).
struct receiver {
  explicit receiver(bool v6 = false, uint16_t at_port = 0)
    : proc({"python3", peer_script("py_udp_peer.py"), "recv", v6 ? "--v6" : "--v4",
            std::to_string(at_port)}) {
    std::string line;
    if (proc.read_line(line) && line.rfind("port ", 0) == 0)
      port = static_cast<uint16_t>(std::stoi(line.substr(5)));
  }
  bool next(seen& out, std::chrono::milliseconds timeout = 10s) {
    std::string line;
    if (!proc.read_line(line, timeout))
      return false;
    std::istringstream in(line);
    std::string from, hexdata;
    size_t len = 0;
    in >> from >> out.host >> out.port >> len >> hexdata;
    out.data = unhex(hexdata);
    return from == "from" && out.data.size() == len;
  }
  child_process proc;
  uint16_t port = 0;
};

/// Frames each payload element as one frame: an array of strings makes
/// several frames (a postprocessor splitting an event), bytes pass as they are.
class frames_serializer : public serializer {
public:
  bool serialize(uint64_t, const value& v, uint64_t, std::vector<std::string>& out,
                 std::string& err) override {
    if (v.is_array()) {
      for (const auto& e : v.as_array())
        out.push_back(*e.get_text());
      return true;
    }
    if (const std::string* text = v.get_text()) {
      out.push_back(*text);
      return true;
    }
    err = "not text";
    return false;
  }
  /// Ends a stream with `held` (what a `collect` postprocessor would hold).
  void finish_stream(uint64_t stream, std::vector<std::string>& out) override {
    finished.push_back(stream);
    if (!held.empty())
      out.push_back(held);
  }
  std::string held;
  std::vector<uint64_t> finished;
};

/// A udp_client under test (check `connected`).
struct client {
  explicit client(value config) {
    conn = ws::testing::make_connector(udp::udp_client_descriptor(), std::move(config), ctx, 9, err);
    if (!conn)
      return;
    conn->start(ws::testing::test_start(true, false));
    conn->connect();
    connected = ctx->wait_connect_outcome();
  }
  ~client() {
    if (conn)
      conn->stop();
  }
  sink_outcome send(value payload) {
    event ev;
    ev.payload = std::move(payload);
    return conn->write("in", ev, ser);
  }

  std::shared_ptr<recording_context> ctx = std::make_shared<recording_context>();
  std::unique_ptr<connector> conn;
  frames_serializer ser;
  std::string err;
  bool connected = false;
};

value to(uint16_t port, record extra = {}, const std::string& host = "127.0.0.1") {
  record r{{"url", (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                     std::to_string(port)}};
  for (auto& [k, v] : extra)
    r.set(k, v);
  return value{std::move(r)};
}

uint16_t free_udp_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace

TEST_SUITE("connectors.udp") {

TEST_CASE("udp_client: every frame of an event is one datagram, bytes intact, from the default bind") {
  receiver peer;
  REQUIRE(peer.port != 0);
  client c(to(peer.port));
  REQUIRE(c.connected);
  const std::string binary("\x00\xff\x80\n", 4);
  CHECK(c.send(value(bytes{binary})) == sink_outcome::done);
  CHECK(c.send(value(array{"one", "", "three"})) == sink_outcome::done);
  const std::string expected[] = {binary, "one", "", "three"};
  uint16_t source_port = 0;
  for (const auto& want : expected) {
    seen s;
    REQUIRE(peer.next(s));
    CHECK(s.data == want);
    CHECK(s.host == "127.0.0.1");
    CHECK(s.port != 0);
    if (source_port != 0)
      CHECK(s.port == source_port); // one socket for all of them
    source_port = s.port;
  }
}

TEST_CASE("udp_client: `bind` sets the address datagrams come from") {
  receiver peer;
  REQUIRE(peer.port != 0);
  const uint16_t local = free_udp_port();
  client c(to(peer.port, {{"bind", "127.0.0.1:" + std::to_string(local)}}));
  REQUIRE(c.connected);
  CHECK(c.send("hi") == sink_outcome::done);
  seen s;
  REQUIRE(peer.next(s));
  CHECK(s.port == local);
}

TEST_CASE("udp_client: a datagram over 65507 bytes fails the event with the reason, sending nothing of it") {
  receiver peer;
  REQUIRE(peer.port != 0);
  client c(to(peer.port));
  REQUIRE(c.connected);
  // A small first frame must not go out when a later one is too large.
  CHECK(c.send(value(array{"head", std::string(65508, 'x')})) == sink_outcome::failed);
  CHECK(c.ctx->counter_value("datagrams_too_large") == 1);
  CHECK(c.ctx->logged("65508 bytes, over UDP's limit of 65507 bytes"));
  CHECK(c.ctx->lost.empty()); // the socket is fine
  // The largest datagram IPv4 carries goes through.
  CHECK(c.send(std::string(65507, 'y')) == sink_outcome::done);
  seen s;
  REQUIRE(peer.next(s));
  CHECK(s.data.size() == 65507);
}

TEST_CASE("udp_client: IPv6 binds [::]:0 by default and allows 65527 bytes") {
  receiver peer(/*v6=*/true);
  REQUIRE(peer.port != 0);
  client c(to(peer.port, {}, "::1"));
  REQUIRE(c.connected);
  CHECK(c.send(std::string(65527, 'v')) == sink_outcome::done);
  CHECK(c.send(std::string(65528, 'v')) == sink_outcome::failed);
  seen s;
  REQUIRE(peer.next(s));
  CHECK(s.host == "::1");
  CHECK(s.data.size() == 65527);
}

TEST_CASE("udp_client: a refused port is a lost connection, the reconnect sends again") {
  const uint16_t port = free_udp_port();
  client c(to(port));
  REQUIRE(c.connected);
  // Nothing listens: the kernel's ICMP answer to one send fails the next.
  sink_outcome outcome = sink_outcome::done;
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       outcome == sink_outcome::done && std::chrono::steady_clock::now() < deadline;)
    outcome = c.send("anyone?");
  REQUIRE(outcome == sink_outcome::failed);
  REQUIRE(c.ctx->lost.size() == 1);
  CHECK(c.ctx->lost[0].find("Connection refused") != std::string::npos);
  CHECK(c.ctx->counter_value("datagrams_failed") == 1);
  // A peer appears on the port; the supervisor's reconnect makes a new socket.
  receiver peer(false, port);
  REQUIRE(peer.port == port);
  c.conn->connect();
  REQUIRE(c.ctx->wait_connect_outcome());
  CHECK(c.send("after") == sink_outcome::done);
  seen s;
  REQUIRE(peer.next(s));
  CHECK(s.data == "after");
}

TEST_CASE("udp_client: a graceful stop sends what the postprocessors still hold") {
  receiver peer;
  REQUIRE(peer.port != 0);
  client c(to(peer.port));
  REQUIRE(c.connected);
  CHECK(c.send("first") == sink_outcome::done);
  c.ser.held = "held back";
  c.conn->finish(c.ser);
  CHECK(c.ser.finished == std::vector<uint64_t>{0});
  seen s;
  REQUIRE(peer.next(s));
  CHECK(s.data == "first");
  REQUIRE(peer.next(s));
  CHECK(s.data == "held back");
}

TEST_CASE("udp_client: a name that does not resolve fails the connect naming it") {
  client c(value{record{{"url", "no-such-host.invalid:9"}}});
  CHECK_FALSE(c.connected);
  REQUIRE(c.ctx->connect_failures.size() == 1);
  CHECK(c.ctx->connect_failures[0].find("no-such-host.invalid") != std::string::npos);
}

TEST_CASE("udp_client: config errors name the key") {
  auto err_of = [](value config) {
    auto ctx = std::make_shared<recording_context>();
    std::string err;
    CHECK(ws::testing::make_connector(udp::udp_client_descriptor(), std::move(config), ctx, 9, err) ==
          nullptr);
    return err;
  };
  CHECK(err_of(value{record{}}).find("missing required key `config.url`") != std::string::npos);
  CHECK(err_of(value{record{{"url", "127.0.0.1"}}}).find("has no port") != std::string::npos);
  CHECK(err_of(value{record{{"url", "127.0.0.1:9"}, {"bind", "[::1"}}}).find("`bind`") !=
        std::string::npos);
}

}
