// tcp_client over real loopback sockets against a Python line server and
// socat, with a recording context in place of the runtime.

#include <doctest/doctest.h>

#include <set>

#include "connectors/tcp/tcp_client.hpp"
#include "tests/connectors/stream/stream_test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::stream_testing;

namespace {

constexpr uint64_t src = 1; // the events come from some other connector

/// The Python line server (py_line_server.py) and what it printed.
struct line_server {
  explicit line_server(std::vector<std::string> args) : proc(python_peer("py_line_server.py", std::move(args))) {
    std::string first;
    if (proc.read_line(first) && first.rfind("port ", 0) == 0)
      port = static_cast<uint16_t>(std::stoi(first.substr(5)));
  }
  /// Reads lines until one equals `want` (true) or the output ends.
  bool await_line(const std::string& want) {
    std::string l;
    while (proc.read_line(l)) {
      lines.push_back(l);
      if (l == want)
        return true;
    }
    return false;
  }
  child_process proc;
  uint16_t port = 0;
  std::vector<std::string> lines;
};

value client_config(uint16_t port, record extra = {}) {
  record cfg{{"url", "127.0.0.1:" + std::to_string(port)}};
  for (const auto& [k, v] : extra)
    cfg.set(k, v);
  return value(std::move(cfg));
}

event transactional_event(uint64_t pull, const std::string& text) {
  event ev;
  ev.payload = value(text);
  ev.id = event_id(src, 0, pull);
  ev.transactional = true;
  return ev;
}

} // namespace

TEST_SUITE("connectors.tcp") {

TEST_CASE("tcp_client writes events and reads replies as stream 0 with $tcp_client metadata") {
  line_server server({"--echo"});
  REQUIRE(server.port != 0);
  client_under_test cl(tcp::tcp_client_descriptor(), client_config(server.port));
  REQUIRE_MESSAGE(cl.ok, cl.last_failure());
  REQUIRE(cl.conn->write("in", make_event(src, 0, "hello\n", value()), cl.ser) ==
          sink_outcome::done);
  CHECK(server.await_line("line hello"));
  received_frame got;
  REQUIRE(cl.ctx->pop(got));
  CHECK(got.stream == 0);
  CHECK(got.data == "hello\n");
  const value* meta = got.meta.get("tcp_client");
  REQUIRE(meta != nullptr);
  CHECK(meta->get("tls")->as_bool() == false);
  CHECK(meta->get("peer")->get("host")->as_string() == "127.0.0.1");
  CHECK(meta->get("peer")->get("port")->as_i64_unchecked() == server.port);
}

TEST_CASE("tcp_client acks a transactional event once its bytes are written") {
  line_server server({});
  client_under_test cl(tcp::tcp_client_descriptor(), client_config(server.port));
  REQUIRE(cl.ok);
  for (uint64_t i = 0; i < 100; ++i)
    REQUIRE(cl.conn->write("in", transactional_event(i, "event " + std::to_string(i) + "\n"),
                           cl.ser) == sink_outcome::pending);
  // Plain events are done at once.
  CHECK(cl.conn->write("in", make_event(src, 0, "plain\n", value()), cl.ser) == sink_outcome::done);
  CHECK(cl.ctx->wait([&] { return cl.ctx->acks.size() == 100; }));
  CHECK(cl.ctx->fails.empty());
  // The ack follows the write: nothing is left for a graceful stop to wait for.
  CHECK(cl.conn->writes_in_flight() == 0);
  CHECK(server.await_line("line plain"));
}

TEST_CASE("tcp_client treats a write error as a lost connection and reconnects") {
  // A peer that resets the connection after the first line, then takes a
  // second connection and prints what it reads there.
  child_process peer({"/usr/bin/python3", "-c", R"(
import socket, struct, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
s.settimeout(20)
print("port %d" % s.getsockname()[1], flush=True)
c, _ = s.accept()
c.settimeout(20)
c.recv(100)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
print("reset", flush=True)
c, _ = s.accept()
c.settimeout(20)
buf = b""
while not buf.endswith(b"after\n"):
    d = c.recv(4096)
    if not d:
        break
    buf += d
print("got " + buf.decode().strip(), flush=True)
)"});
  std::string line;
  REQUIRE(peer.read_line(line));
  REQUIRE(line.rfind("port ", 0) == 0);
  const auto port = static_cast<uint16_t>(std::stoi(line.substr(5)));
  // Never resumed, so no read is under way: only the write can see the reset.
  auto ctx = std::make_shared<recording_context>();
  std::string err;
  auto conn = ws::testing::make_connector(tcp::tcp_client_descriptor(), client_config(port), ctx,
                                          client_under_test::source_id, err);
  REQUIRE_MESSAGE(conn, err);
  echo_serializer ser;
  conn->start(test_start());
  conn->connect();
  REQUIRE(ctx->wait_connect_outcome());
  REQUIRE(conn->write("in", make_event(src, 0, "first\n", value()), ser) == sink_outcome::done);
  REQUIRE(peer.read_line(line));
  REQUIRE(line == "reset");

  // Writes after the reset: the socket refuses one, the connection is
  // reported lost (the runtime then opens the breaker and reconnects), and
  // nothing written into the dead connection is acked.
  uint64_t pull = 0;
  CHECK(ctx->wait([&] {
    conn->write("in", transactional_event(pull++, "lost\n"), ser);
    return !ctx->lost.empty();
  }, 10s));
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    REQUIRE(ctx->lost.size() == 1);
    CHECK(ctx->lost[0].find("the connection to 127.0.0.1:" + std::to_string(port) + " broke: ") == 0);
  }
  CHECK(ctx->wait([&] { return conn->writes_in_flight() == 0; }));
  CHECK(ctx->acks.empty());
  CHECK(conn->write("in", transactional_event(pull++, "refused\n"), ser) == sink_outcome::failed);

  conn->connect();
  REQUIRE(ctx->wait_connect_outcome());
  CHECK(conn->write("in", make_event(src, 0, "after\n", value()), ser) == sink_outcome::done);
  REQUIRE(peer.read_line(line));
  CHECK(line == "got after");
  conn->stop();
}

TEST_CASE("tcp_client reports a lost connection and reconnects after the server restarts, losing nothing acked") {
  line_server first({});
  REQUIRE(first.port != 0);
  client_under_test cl(tcp::tcp_client_descriptor(), client_config(first.port));
  REQUIRE(cl.ok);
  // The first server is told to restart in the middle of the traffic: it
  // sends a FIN and reads what still comes (as on SIGTERM); the client hears
  // the end, and writes fail until it reconnects.
  uint64_t pull = 0;
  std::set<uint64_t> failed_now;
  auto send = [&](uint64_t n) {
    auto outcome = cl.conn->write("in", transactional_event(n, "event " + std::to_string(n) + "\n"), cl.ser);
    if (outcome == sink_outcome::failed)
      failed_now.insert(n);
    return outcome;
  };
  for (; pull < 50; ++pull)
    REQUIRE(send(pull) == sink_outcome::pending);
  REQUIRE(cl.conn->write("in", make_event(src, 0, "RESTART\n", value()), cl.ser) == sink_outcome::done);
  for (; pull < 100; ++pull)
    send(pull); // pending, or failed once the client saw the end
  REQUIRE(cl.ctx->wait([&] { return !cl.ctx->lost.empty(); }));
  {
    std::lock_guard<std::mutex> g(cl.ctx->mtx);
    CHECK(cl.ctx->lost[0] == "127.0.0.1:" + std::to_string(first.port) + " closed the connection");
    CHECK(cl.ctx->finished == std::vector<uint64_t>{0});
  }
  for (int i = 0; i < 10; ++i, ++pull)
    CHECK(send(pull) == sink_outcome::failed);
  CHECK(first.await_line("bye"));

  line_server second({"--port", std::to_string(first.port)});
  REQUIRE(second.port == first.port);
  REQUIRE(cl.reconnect());
  for (int i = 0; i < 50; ++i, ++pull)
    CHECK(send(pull) == sink_outcome::pending);
  CHECK(cl.ctx->wait([&] { return cl.ctx->acks.size() + cl.ctx->fails.size() + failed_now.size() == pull; }));
  REQUIRE(cl.conn->write("in", make_event(src, 0, "end\n", value()), cl.ser) == sink_outcome::done);
  CHECK(second.await_line("line end"));

  std::set<std::string> received(first.lines.begin(), first.lines.end());
  received.insert(second.lines.begin(), second.lines.end());
  std::lock_guard<std::mutex> g(cl.ctx->mtx);
  CHECK(cl.ctx->acks.size() >= 100); // the first 50 and the last 50 at least
  for (const auto& id : cl.ctx->acks) {
    const auto n = id.origins().front().max_pull;
    CHECK_MESSAGE(received.count("line event " + std::to_string(n)) == 1, "acked event ", n, " was lost");
  }
}

TEST_CASE("tcp_client carries binary payloads and large lines split across reads") {
  line_server server({"--echo"});
  client_under_test cl(tcp::tcp_client_descriptor(), client_config(server.port, {{"buf_size", 4096}}));
  REQUIRE(cl.ok);
  std::string binary("a\0b\xff\xfe\x01 z\n", 10);
  std::string large(1 << 20, 'L');
  large += '\n';
  REQUIRE(cl.conn->write("in", make_event(src, 0, binary, value()), cl.ser) == sink_outcome::done);
  REQUIRE(cl.conn->write("in", make_event(src, 0, large, value()), cl.ser) == sink_outcome::done);
  std::string want = binary + large;
  std::string got;
  size_t chunks = 0;
  CHECK(cl.ctx->wait([&] {
    got.clear();
    chunks = cl.ctx->frames.size();
    for (const auto& f : cl.ctx->frames)
      got += f.data;
    return got.size() >= want.size();
  }, 20s));
  CHECK(got == want);
  CHECK(chunks > 200); // no read is larger than buf_size
}

TEST_CASE("tcp_client fails to connect with the reason when nothing listens") {
  const uint16_t port = free_port();
  client_under_test cl(tcp::tcp_client_descriptor(), client_config(port));
  CHECK_FALSE(cl.ok);
  CHECK(cl.last_failure() ==
        "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  // Writes fail while disconnected.
  CHECK(cl.conn->write("in", make_event(src, 0, "x\n", value()), cl.ser) == sink_outcome::failed);
}

TEST_CASE("tcp_client talks to socat") {
  const std::string port = std::to_string(free_port());
  child_process socat({"socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr", "PIPE"});
  REQUIRE(socat.started());
  client_under_test cl(tcp::tcp_client_descriptor(),
                       value(record{{"url", "localhost:" + port}, {"no_delay", false}}));
  // socat may not listen yet: reconnect as the runtime's policy would.
  CHECK(eventually([&] { return cl.ok || cl.reconnect(); }));
  REQUIRE(cl.conn->write("in", make_event(src, 0, "echo me\n", value()), cl.ser) ==
          sink_outcome::done);
  received_frame got;
  REQUIRE(cl.ctx->pop(got));
  CHECK(got.data == "echo me\n");
}

} // TEST_SUITE
