// tcp_server over real loopback sockets, with a recording context in place
// of the runtime; peers are raw sockets, Python asyncio, socat and ncat.

#include <doctest/doctest.h>

#include <random>

#include "connectors/tcp/tcp_server.hpp"
#include "tests/connectors/stream/stream_test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::stream_testing;

namespace {

constexpr uint64_t src = server_under_test::source_id;

value server_config(record extra = {}) {
  record cfg{{"url", "127.0.0.1:0"}};
  for (const auto& [k, v] : extra)
    cfg.set(k, v);
  return value(std::move(cfg));
}

/// Waits until `stream` sent at least `n` bytes; returns them.
std::string wait_bytes(recording_context& ctx, uint64_t stream, size_t n) {
  std::string out;
  ctx.wait([&] {
    out.clear();
    for (const auto& f : ctx.frames)
      if (f.stream == stream)
        out += f.data;
    return out.size() >= n;
  });
  return out;
}

/// The first frame each new stream sent: its stream id and `$`.
received_frame first_frame_from(recording_context& ctx, uint16_t peer_port) {
  received_frame found;
  ctx.wait([&] {
    for (const auto& f : ctx.frames) {
      const value* p = f.meta.get("tcp_server") ? f.meta.get("tcp_server")->get("peer") : nullptr;
      uint64_t port = 0;
      if (p && p->get("port")->get_u64(port) && port == peer_port) {
        found = f;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool stream_finished(recording_context& ctx, uint64_t stream) {
  return ctx.wait([&] {
    return std::find(ctx.finished.begin(), ctx.finished.end(), stream) != ctx.finished.end();
  });
}

} // namespace

TEST_SUITE("connectors.tcp") {

TEST_CASE("tcp_server makes each connection a stream with $tcp_server metadata") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE_MESSAGE(srv.ok, srv.err);
  auto a = raw_peer::tcp(srv.port);
  auto b = raw_peer::tcp(srv.port);
  REQUIRE((a.ok() && b.ok()));
  REQUIRE(a.send("from a\n"));
  REQUIRE(b.send("from b\n"));
  auto fa = first_frame_from(*srv.ctx, a.local_port());
  auto fb = first_frame_from(*srv.ctx, b.local_port());
  CHECK(fa.data == "from a\n");
  CHECK(fb.data == "from b\n");
  CHECK(fa.stream != fb.stream);
  const value* meta = fa.meta.get("tcp_server");
  REQUIRE(meta != nullptr);
  CHECK(meta->get("tls")->as_bool() == false);
  CHECK(meta->get("peer")->get("host")->as_string() == "127.0.0.1");
}

TEST_CASE("tcp_server routes a reply to the connection named by $tcp_server.peer") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE(srv.ok);
  auto a = raw_peer::tcp(srv.port);
  auto b = raw_peer::tcp(srv.port);
  REQUIRE((a.send("a\n") && b.send("b\n")));
  auto fa = first_frame_from(*srv.ctx, a.local_port());
  auto fb = first_frame_from(*srv.ctx, b.local_port());
  // The event came from a's stream, but its meta names b: the meta wins.
  REQUIRE(srv.conn->write("in", make_event(src, fa.stream, "to b\n", fb.meta), srv.ser) ==
          sink_outcome::done);
  std::string got;
  CHECK(b.read(5, got));
  CHECK(got == "to b\n");
  std::string nothing;
  CHECK_FALSE(a.read(1, nothing, 300ms));
}

TEST_CASE("tcp_server routes a reply without $tcp_server to every connection it came from") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE(srv.ok);
  auto a = raw_peer::tcp(srv.port);
  auto b = raw_peer::tcp(srv.port);
  auto c = raw_peer::tcp(srv.port);
  REQUIRE((a.send("a\n") && b.send("b\n") && c.send("c\n")));
  auto fa = first_frame_from(*srv.ctx, a.local_port());
  auto fb = first_frame_from(*srv.ctx, b.local_port());
  first_frame_from(*srv.ctx, c.local_port());
  // A windowed aggregate of a's and b's events goes back to both, not to c.
  event ev = make_event(src, fa.stream, "both\n", value());
  ev.id.track(event_id(src, fb.stream, 42));
  ev.id.track(event_id(12345, 99, 1)); // another connector's stream
  REQUIRE(srv.conn->write("in", ev, srv.ser) == sink_outcome::done);
  std::string got_a, got_b, got_c;
  CHECK(a.read(5, got_a));
  CHECK(b.read(5, got_b));
  CHECK(got_a == "both\n");
  CHECK(got_b == "both\n");
  CHECK_FALSE(c.read(1, got_c, 300ms));
}

TEST_CASE("tcp_server fails a reply to a connection that closed") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE(srv.ok);
  auto keep = raw_peer::tcp(srv.port); // the server still has a connection
  auto gone = raw_peer::tcp(srv.port);
  REQUIRE(gone.send("bye\n"));
  auto f = first_frame_from(*srv.ctx, gone.local_port());
  gone.shutdown_write();
  REQUIRE(gone.wait_closed());
  REQUIRE(stream_finished(*srv.ctx, f.stream));
  CHECK(srv.conn->write("in", make_event(src, f.stream, "late\n", f.meta), srv.ser) ==
        sink_outcome::failed);
  CHECK(srv.conn->write("in", make_event(src, f.stream, "late\n", value()), srv.ser) ==
        sink_outcome::failed);
}

TEST_CASE("tcp_server fails writes and trips the breaker while nobody is connected") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE(srv.ok);
  event ev = make_event(src, 0, "nobody\n", value());
  CHECK(srv.conn->write("in", ev, srv.ser) == sink_outcome::failed);
  CHECK(srv.conn->write("in", ev, srv.ser) == sink_outcome::failed);
  {
    std::lock_guard<std::mutex> g(srv.ctx->mtx);
    REQUIRE(srv.ctx->breaker.size() == 1); // once, not per event
    CHECK(srv.ctx->breaker[0] == false);
  }
  auto peer = raw_peer::tcp(srv.port);
  REQUIRE(peer.ok());
  CHECK(srv.ctx->wait([&] { return srv.ctx->breaker.size() == 2; }));
  CHECK(srv.ctx->breaker.back() == true);
}

TEST_CASE("tcp_server ends the stream of a half-closed or reset peer, last partial line included") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE(srv.ok);
  auto half = raw_peer::tcp(srv.port);
  auto reset = raw_peer::tcp(srv.port);
  REQUIRE(half.send("whole line\npartial, no newline"));
  REQUIRE(reset.send("before the reset"));
  auto fh = first_frame_from(*srv.ctx, half.local_port());
  auto fr = first_frame_from(*srv.ctx, reset.local_port());
  CHECK(wait_bytes(*srv.ctx, fh.stream, 29) == "whole line\npartial, no newline");
  half.shutdown_write();
  reset.reset();
  CHECK(stream_finished(*srv.ctx, fh.stream));
  CHECK(stream_finished(*srv.ctx, fr.stream));
  CHECK(half.wait_closed());
}

TEST_CASE("tcp_server hands over nothing while paused and catches up on resume") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE(srv.ok);
  auto peer = raw_peer::tcp(srv.port);
  REQUIRE(peer.send("first\n"));
  auto f = first_frame_from(*srv.ctx, peer.local_port());
  srv.conn->pause();
  // A pause is posted to the loop; a probe connection's first bytes show
  // it has run (nothing of theirs arrives).
  auto probe = raw_peer::tcp(srv.port);
  REQUIRE(probe.send("probe\n"));
  REQUIRE(peer.send("held 1\nheld 2\n"));
  CHECK_FALSE(srv.ctx->wait([&] { return srv.ctx->frames.size() > 1; }, 300ms));
  srv.conn->resume();
  CHECK(wait_bytes(*srv.ctx, f.stream, 20) == "first\nheld 1\nheld 2\n");
  CHECK(first_frame_from(*srv.ctx, probe.local_port()).data == "probe\n");
}

TEST_CASE("tcp_server takes no new connections once draining but serves the open ones") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE(srv.ok);
  auto early = raw_peer::tcp(srv.port);
  REQUIRE(early.send("here\n"));
  auto f = first_frame_from(*srv.ctx, early.local_port()); // accepted, not just queued
  srv.conn->drain();
  CHECK(eventually([&] { return !raw_peer::tcp(srv.port).ok(); }));
  REQUIRE(early.send("still here\n"));
  CHECK(wait_bytes(*srv.ctx, f.stream, 16) == "here\nstill here\n");
  REQUIRE(srv.conn->write("in", make_event(src, f.stream, "yes\n", f.meta), srv.ser) ==
          sink_outcome::done);
  std::string got;
  CHECK(early.read(4, got));
  CHECK(got == "yes\n");
}

TEST_CASE("tcp_server closes idle connections and counts them, busy ones stay") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config({{"idle_timeout_ms", 300}}));
  REQUIRE(srv.ok);
  auto idle = raw_peer::tcp(srv.port);
  auto busy = raw_peer::tcp(srv.port);
  REQUIRE((idle.ok() && busy.ok()));
  auto started = std::chrono::steady_clock::now();
  bool idle_closed = false;
  // The busy peer sends every 50 ms for a second; the idle one must go
  // after its 300 ms, the busy one never.
  while (std::chrono::steady_clock::now() - started < 1s) {
    REQUIRE(busy.send("tick\n"));
    if (!idle_closed && idle.wait_closed(50ms))
      idle_closed = true;
  }
  CHECK(idle_closed);
  CHECK(srv.ctx->count("connections_closed_idle") == 1);
  REQUIRE(busy.send("still open\n"));
  auto f = first_frame_from(*srv.ctx, busy.local_port());
  CHECK(srv.conn->write("in", make_event(src, f.stream, "ok\n", f.meta), srv.ser) ==
        sink_outcome::done);
}

TEST_CASE("tcp_server shares its port with another under SO_REUSEPORT, and only then") {
  const auto port = free_port();
  REQUIRE(port != 0);
  auto config = [&](bool reuse_port) {
    return value(record{{"url", "127.0.0.1:" + std::to_string(port)},
                        {"socket_options", record{{"SO_REUSEPORT", reuse_port}}}});
  };
  {
    server_under_test first(tcp::tcp_server_descriptor(), config(true));
    REQUIRE_MESSAGE(first.ok, first.err);
    server_under_test second(tcp::tcp_server_descriptor(), config(true));
    CHECK_MESSAGE(second.ok, second.err);
    CHECK(second.port == port);
  }
  server_under_test first(tcp::tcp_server_descriptor(), config(false));
  REQUIRE_MESSAGE(first.ok, first.err);
  server_under_test second(tcp::tcp_server_descriptor(), config(false));
  CHECK_FALSE(second.ok);
  CHECK(second.err.find("in use") != std::string::npos);
}

TEST_CASE("tcp_server refuses connections beyond max_connections and says so") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config({{"max_connections", 2}}));
  REQUIRE(srv.ok);
  auto a = raw_peer::tcp(srv.port);
  auto b = raw_peer::tcp(srv.port);
  REQUIRE((a.send("a\n") && b.send("b\n")));
  first_frame_from(*srv.ctx, a.local_port());
  first_frame_from(*srv.ctx, b.local_port());
  auto c = raw_peer::tcp(srv.port);
  CHECK(c.wait_closed());
  CHECK(srv.ctx->count("connections_refused") == 1);
  CHECK(srv.ctx->logged("`max_connections` (2) reached"));
  // Room again once one leaves.
  a.reset();
  CHECK(srv.ctx->wait([&] { return srv.ctx->finished.size() == 1; }));
  auto d = raw_peer::tcp(srv.port);
  REQUIRE(d.send("d\n"));
  CHECK(first_frame_from(*srv.ctx, d.local_port()).data == "d\n");
}

TEST_CASE("tcp_server closes the connection whose unfinished line crosses the budget") {
  server_under_test srv(tcp::tcp_server_descriptor(),
                        server_config({{"partial_line_budget_bytes", 100000}}));
  REQUIRE(srv.ok);
  auto modest = raw_peer::tcp(srv.port);
  auto hog = raw_peer::tcp(srv.port);
  REQUIRE(modest.send(std::string(30000, 'm')));
  auto fm = first_frame_from(*srv.ctx, modest.local_port());
  REQUIRE(wait_bytes(*srv.ctx, fm.stream, 30000).size() == 30000);
  REQUIRE(hog.send(std::string(200000, 'h'))); // no newline, ever
  CHECK(hog.wait_closed());
  CHECK(srv.ctx->count("connections_closed_line_budget") == 1);
  // The modest peer finishes its line and goes on.
  REQUIRE(modest.send("\nnext\n"));
  CHECK(wait_bytes(*srv.ctx, fm.stream, 30006).size() == 30006);
}

TEST_CASE("tcp_server fails replies to a peer that does not read, and counts them") {
  server_under_test srv(tcp::tcp_server_descriptor(),
                        server_config({{"max_queued_bytes", 1 << 20}}));
  REQUIRE(srv.ok);
  auto sleeper = raw_peer::tcp(srv.port); // never reads
  REQUIRE(sleeper.send("hi\n"));
  auto f = first_frame_from(*srv.ctx, sleeper.local_port());
  const std::string reply(64 * 1024, 'r');
  int failed_after = -1;
  // The kernel buffers a few MiB first; then 1 MiB may wait, then writes fail.
  for (int i = 0; i < 2000 && failed_after < 0; ++i)
    if (srv.conn->write("in", make_event(src, f.stream, reply, f.meta), srv.ser) ==
        sink_outcome::failed)
      failed_after = i;
  CHECK(failed_after > 0);
  CHECK(srv.ctx->count("replies_failed_slow_peer") >= 1);
  CHECK(srv.ctx->logged("reads its replies too slowly"));
}

TEST_CASE("tcp_server echoes binary payloads split across many reads unchanged") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config({{"buf_size", 1000}}));
  REQUIRE(srv.ok);
  std::string blob(300000, '\0');
  std::mt19937 rng(7);
  for (auto& ch : blob)
    ch = static_cast<char>(rng() & 0xff); // NULs, invalid UTF-8, newlines
  auto peer = raw_peer::tcp(srv.port);
  REQUIRE(peer.send(blob));
  std::string got;
  size_t echoed = echo_until(srv, [&] {
    std::string more;
    peer.read(1, more, 5ms);
    got += more;
    return got.size() >= blob.size();
  });
  CHECK(echoed >= 300); // at most 1000 bytes a read
  CHECK(got == blob);
}

TEST_CASE("tcp_server serves 1,000 Python asyncio clients x 10 lines, none lost or misrouted") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config({{"backlog", 1024}}));
  REQUIRE(srv.ok);
  child_process clients(python_peer("py_tcp_clients.py", {"--port", std::to_string(srv.port),
                                                          "--conns", "1000", "--lines", "10"}));
  REQUIRE(clients.started());
  echo_until(srv, [&] { return clients.exited(); }, 120s);
  std::string result;
  CHECK(clients.read_line(result));
  CHECK(result == "ok 1000 10");
  CHECK(clients.wait() == 0);
  CHECK(srv.ctx->count("connections_refused") == 0);
}

TEST_CASE("tcp_server takes a burst of 2,000 connections") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config({{"backlog", 2048}}));
  REQUIRE(srv.ok);
  child_process clients(python_peer("py_tcp_clients.py", {"--port", std::to_string(srv.port),
                                                          "--conns", "2000", "--lines", "1"}));
  REQUIRE(clients.started());
  echo_until(srv, [&] { return clients.exited(); }, 120s);
  std::string result;
  CHECK(clients.read_line(result));
  CHECK(result == "ok 2000 1");
  CHECK(clients.wait() == 0);
  // Every connection ended as a stream of its own.
  CHECK(srv.ctx->wait([&] { return srv.ctx->finished.size() == 2000; }));
}

TEST_CASE("tcp_server answers socat and ncat") {
  server_under_test srv(tcp::tcp_server_descriptor(), server_config());
  REQUIRE(srv.ok);
  const std::string port = std::to_string(srv.port);
  // Neither half-closes after its input (Tremor ends a half-closed stream),
  // and each waits a moment for the answer.
  child_process socat({"sh", "-c",
                       "printf 'via socat\\n' | socat -t 5 - TCP:127.0.0.1:" + port + ",shut-none"});
  child_process ncat({"sh", "-c",
                      "printf 'via ncat\\n' | ncat --no-shutdown -i 5 127.0.0.1 " + port},
                     /*quiet=*/true);
  std::string from_socat, from_ncat;
  echo_until(srv, [&] {
    return (!from_socat.empty() || socat.read_line(from_socat, 5ms)) &&
           (!from_ncat.empty() || ncat.read_line(from_ncat, 5ms));
  }, 20s);
  CHECK(from_socat == "via socat");
  CHECK(from_ncat == "via ncat");
}

} // TEST_SUITE
