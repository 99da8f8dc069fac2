// ws_server and ws_client against each other over real sockets on
// 127.0.0.1, with recording contexts instead of the runtime.

#include <doctest/doctest.h>

#include <fstream>

#include "connectors/ws/ws_client.hpp"
#include "connectors/ws/ws_server.hpp"
#include "tests/connectors/ws/test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::ws::testing;

namespace {

/// Sends `text` from the client, lets the server echo it, returns what the
/// client got back.
bool roundtrip(client_fixture& cl, server_fixture& srv, const std::string& text, bool binary,
               received_frame& at_server, received_frame& at_client) {
  event ev = make_event(client_fixture::source_id, 0, text, binary ? value(record{{"binary", true}})
                                                                   : value());
  if (cl.conn->write("in", ev, cl.ser) != sink_outcome::done)
    return false;
  if (!srv.ctx->pop(at_server))
    return false;
  const value* bin = at_server.meta.get("binary");
  event reply = make_event(server_fixture::source_id, at_server.stream, at_server.data,
                           at_server.meta, bin != nullptr && bin->as_bool());
  if (srv.conn->write("in", reply, srv.ser) != sink_outcome::done)
    return false;
  return cl.ctx->pop(at_client);
}

value client_config(const std::string& url) { return value(record{{"url", url}}); }

} // namespace

TEST_SUITE("connectors.ws") {

TEST_CASE("ws_server echoes text and binary frames to a ws_client") {
  server_fixture srv;
  REQUIRE(srv.port != 0);
  client_fixture cl(client_config(srv.url()));
  REQUIRE(cl.ok);

  received_frame s, c;
  REQUIRE(roundtrip(cl, srv, R"({"hello":"wörld"})", false, s, c));
  CHECK(s.data == R"({"hello":"wörld"})");
  CHECK(c.data == s.data);
  const value* ws = s.meta.get("ws_server");
  REQUIRE(ws != nullptr);
  CHECK(ws->get("tls")->as_bool() == false);
  CHECK(ws->get("peer")->get("host")->as_string() == "127.0.0.1");
  uint64_t peer_port = 0;
  CHECK(ws->get("peer")->get("port")->get_u64(peer_port));
  CHECK(peer_port > 0);
  CHECK(s.meta.get("binary") == nullptr);
  const value* wc = c.meta.get("ws_client");
  REQUIRE(wc != nullptr);
  CHECK(wc->get("peer")->get("port")->as_i64_unchecked() == srv.port);
  CHECK(c.meta.get("binary") == nullptr);

  std::string blob("\x00\x01\xff\xfe", 4);
  REQUIRE(roundtrip(cl, srv, blob, true, s, c));
  CHECK(s.data == blob);
  CHECK(s.meta.get("binary")->as_bool());
  CHECK(c.data == blob);
  REQUIRE(c.meta.get("binary") != nullptr);
  CHECK(c.meta.get("binary")->as_bool());
}

TEST_CASE("ws_server and ws_client talk TLS with a self-signed certificate") {
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  server_fixture srv(value(record{
      {"url", "wss://127.0.0.1:0"},
      {"tls", record{{"cert", dir.file("srv.cert.pem")}, {"key", dir.file("srv.key.pem")}}}}));
  REQUIRE(srv.port != 0);
  client_fixture cl(value(record{{"url", srv.url(true)},
                                 {"tls", record{{"cafile", dir.file("srv.cert.pem")}}}}));
  REQUIRE_MESSAGE(cl.ok, (cl.ctx->connect_failures.empty() ? cl.err : cl.ctx->connect_failures[0]));
  received_frame s, c;
  REQUIRE(roundtrip(cl, srv, "secure", false, s, c));
  CHECK(c.data == "secure");
  CHECK(s.meta.get("ws_server")->get("tls")->as_bool());
  CHECK(c.meta.get("ws_client")->get("tls")->as_bool());
}

TEST_CASE("ws_server routes a reply to the connection named by $ws_server.peer") {
  server_fixture srv;
  client_fixture a(client_config(srv.url()));
  client_fixture b(client_config(srv.url()));
  REQUIRE(a.ok);
  REQUIRE(b.ok);
  REQUIRE(a.conn->write("in", make_event(1, 0, "from a", value()), a.ser) == sink_outcome::done);
  REQUIRE(b.conn->write("in", make_event(1, 0, "from b", value()), b.ser) == sink_outcome::done);
  received_frame fa, fb;
  REQUIRE(srv.ctx->pop(fa));
  REQUIRE(srv.ctx->pop(fb));
  if (fa.data != "from a")
    std::swap(fa, fb);
  CHECK(fa.stream != fb.stream);
  // The event came from a's stream but its meta names b: the meta wins.
  event ev = make_event(server_fixture::source_id, fa.stream, "to b", fb.meta);
  REQUIRE(srv.conn->write("in", ev, srv.ser) == sink_outcome::done);
  received_frame got;
  REQUIRE(b.ctx->pop(got));
  CHECK(got.data == "to b");
  CHECK_FALSE(a.ctx->pop(got, 300ms));
}

TEST_CASE("ws_server routes a reply without $ws_server to every origin connection") {
  server_fixture srv;
  client_fixture a(client_config(srv.url()));
  client_fixture b(client_config(srv.url()));
  client_fixture c(client_config(srv.url()));
  REQUIRE((a.ok && b.ok && c.ok));
  for (auto* cl : {&a, &b, &c})
    REQUIRE(cl->conn->write("in", make_event(1, 0, "hi", value()), cl->ser) == sink_outcome::done);
  received_frame f1, f2, f3;
  REQUIRE(srv.ctx->pop(f1));
  REQUIRE(srv.ctx->pop(f2));
  REQUIRE(srv.ctx->pop(f3));
  // A windowed aggregate of two connections: both get it, the third not.
  event ev = make_event(server_fixture::source_id, f1.stream, "both", value());
  ev.id.track(event_id(server_fixture::source_id, f2.stream, 99));
  ev.id.track(event_id(12345, f3.stream, 1)); // another connector's stream: not ours
  REQUIRE(srv.conn->write("in", ev, srv.ser) == sink_outcome::done);
  int got_both = 0;
  received_frame got;
  for (auto* cl : {&a, &b, &c})
    if (cl->ctx->pop(got, 500ms)) {
      CHECK(got.data == "both");
      ++got_both;
    }
  CHECK(got_both == 2);
}

TEST_CASE("ws_server fails writes and triggers the breaker without connections") {
  server_fixture srv;
  REQUIRE(srv.port != 0);
  event ev = make_event(server_fixture::source_id, 0, "nobody", value());
  CHECK(srv.conn->write("in", ev, srv.ser) == sink_outcome::failed);
  CHECK(srv.conn->write("in", ev, srv.ser) == sink_outcome::failed);
  {
    std::lock_guard<std::mutex> g(srv.ctx->mtx);
    REQUIRE(srv.ctx->breaker.size() == 1); // triggered once, not per event
    CHECK(srv.ctx->breaker[0] == false);
  }
  client_fixture cl(client_config(srv.url()));
  REQUIRE(cl.ok);
  CHECK(srv.ctx->wait([&] { return srv.ctx->breaker.size() == 2; }));
  CHECK(srv.ctx->breaker.back() == true);
  // Connected, but the event names no stream of this server.
  CHECK(srv.conn->write("in", make_event(4242, 0, "x", value()), srv.ser) ==
        sink_outcome::failed);
}

TEST_CASE("ws_server hands over nothing while paused and catches up on resume") {
  server_fixture srv;
  client_fixture cl(client_config(srv.url()));
  REQUIRE(cl.ok);
  REQUIRE(cl.conn->write("in", make_event(1, 0, "first", value()), cl.ser) == sink_outcome::done);
  received_frame f;
  REQUIRE(srv.ctx->pop(f));
  srv.conn->pause();
  for (const char* text : {"held 1", "held 2", "held 3"})
    REQUIRE(cl.conn->write("in", make_event(1, 0, text, value()), cl.ser) == sink_outcome::done);
  CHECK_FALSE(srv.ctx->pop(f, 300ms));
  srv.conn->resume();
  for (const char* text : {"held 1", "held 2", "held 3"}) {
    REQUIRE(srv.ctx->pop(f));
    CHECK(f.data == text);
  }
}

TEST_CASE("ws_server takes no new connections once draining but serves the open ones") {
  server_fixture srv;
  client_fixture early(client_config(srv.url()));
  REQUIRE(early.ok);
  srv.conn->drain();
  client_fixture late(client_config(srv.url()));
  CHECK_FALSE(late.ok);
  REQUIRE(early.conn->write("in", make_event(1, 0, "still here", value()), early.ser) ==
          sink_outcome::done);
  received_frame f;
  REQUIRE(srv.ctx->pop(f));
  CHECK(f.data == "still here");
  REQUIRE(srv.conn->write("in", make_event(server_fixture::source_id, f.stream, "yes", f.meta),
                          srv.ser) == sink_outcome::done);
  REQUIRE(early.ctx->pop(f));
  CHECK(f.data == "yes");
}

TEST_CASE("ws_server does not write back unless its in port is linked") {
  server_fixture srv(value(), /*link=*/false);
  client_fixture cl(client_config(srv.url()));
  REQUIRE(cl.ok);
  REQUIRE(cl.conn->write("in", make_event(1, 0, "hi", value()), cl.ser) == sink_outcome::done);
  received_frame f;
  REQUIRE(srv.ctx->pop(f)); // still a source
  event ev = make_event(server_fixture::source_id, f.stream, "reply", f.meta);
  CHECK(srv.conn->write("in", ev, srv.ser) == sink_outcome::failed);
}

TEST_CASE("ws_server refuses text replies that are not valid UTF-8") {
  server_fixture srv;
  client_fixture cl(client_config(srv.url()));
  REQUIRE(cl.ok);
  REQUIRE(cl.conn->write("in", make_event(1, 0, "hi", value()), cl.ser) == sink_outcome::done);
  received_frame f;
  REQUIRE(srv.ctx->pop(f));
  event bad = make_event(server_fixture::source_id, f.stream, "\xff\xfe", f.meta);
  CHECK(srv.conn->write("in", bad, srv.ser) == sink_outcome::failed);
  value bin_meta = f.meta;
  bin_meta.set("binary", true);
  event ok = make_event(server_fixture::source_id, f.stream, "\xff\xfe", bin_meta, true);
  CHECK(srv.conn->write("in", ok, srv.ser) == sink_outcome::done);
  received_frame got;
  REQUIRE(cl.ctx->pop(got));
  CHECK(got.data == "\xff\xfe");
}

TEST_CASE("ws_server ends a stream when its client goes away") {
  server_fixture srv;
  uint64_t stream = 0;
  {
    client_fixture cl(client_config(srv.url()));
    REQUIRE(cl.ok);
    REQUIRE(cl.conn->write("in", make_event(1, 0, "hi", value()), cl.ser) == sink_outcome::done);
    received_frame f;
    REQUIRE(srv.ctx->pop(f));
    stream = f.stream;
    cl.conn->stop();
  }
  REQUIRE(srv.ctx->wait([&] { return !srv.ctx->finished.empty(); }));
  CHECK(srv.ctx->finished[0] == stream);
  // The sink forgets the stream's framing state at its next write.
  CHECK(srv.conn->write("in", make_event(server_fixture::source_id, stream, "late", value()),
                        srv.ser) == sink_outcome::failed);
  REQUIRE(srv.ser.finished.size() == 1);
  CHECK(srv.ser.finished[0] == stream);
}

TEST_CASE("ws_server closes with 1009 for a message over 64 MiB and 1007 for bad UTF-8") {
  server_fixture srv;
  REQUIRE(srv.port != 0);
  for (auto [mode, code] : {std::pair<const char*, const char*>{"too-big", "close 1009"},
                            {"bad-utf8", "close 1007"}}) {
    CAPTURE(mode);
    child_process p({"/usr/bin/python3", peer_script("py_ws_limits.py"), "127.0.0.1",
                     std::to_string(srv.port), mode});
    std::string line;
    REQUIRE(p.read_line(line));
    CHECK(line == code);
    CHECK(p.wait() == 0);
  }
  // Neither message reached the runtime.
  received_frame f;
  CHECK_FALSE(srv.ctx->pop(f, 100ms));
}

TEST_CASE("ws_server reports a port in use as a connect failure naming the address") {
  server_fixture first;
  REQUIRE(first.port != 0);
  server_fixture second(value(record{{"url", "127.0.0.1:" + std::to_string(first.port)},
                                     {"socket_options", record{{"SO_REUSEADDR", false}}}}));
  REQUIRE(second.conn);
  std::lock_guard<std::mutex> g(second.ctx->mtx);
  REQUIRE(second.ctx->connect_failures.size() == 1);
  CHECK(second.ctx->connect_failures[0].find("cannot listen on 127.0.0.1:" +
                                            std::to_string(first.port)) == 0);
  CHECK(second.ctx->connect_failures[0].find("in use") != std::string::npos);
}

TEST_CASE("ws_server with unreadable or broken certificate files fails to connect, naming the file") {
  // Read at connect time: the connector fails (and its flow), the process
  // and other flows keep running.
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  auto failure_of = [](server_fixture& f) {
    REQUIRE(f.conn);
    std::lock_guard<std::mutex> g(f.ctx->mtx);
    REQUIRE(f.ctx->connect_failures.size() == 1);
    return f.ctx->connect_failures[0];
  };
  server_fixture missing(value(record{
      {"url", "127.0.0.1:0"},
      {"tls", record{{"cert", dir.file("nope.pem")}, {"key", dir.file("srv.key.pem")}}}}));
  auto err = failure_of(missing);
  CHECK(err.find(dir.file("nope.pem")) != std::string::npos);
  CHECK(err.find("tls.cert") != std::string::npos);

  std::ofstream(dir.file("garbage.pem")) << "not a certificate\n";
  server_fixture garbage(value(record{
      {"url", "127.0.0.1:0"},
      {"tls", record{{"cert", dir.file("garbage.pem")}, {"key", dir.file("srv.key.pem")}}}}));
  err = failure_of(garbage);
  CHECK(err.find("certificate file `" + dir.file("garbage.pem") + "`") != std::string::npos);

  REQUIRE(make_cert(dir, "other"));
  server_fixture mismatch(value(record{
      {"url", "127.0.0.1:0"},
      {"tls", record{{"cert", dir.file("srv.cert.pem")}, {"key", dir.file("other.key.pem")}}}}));
  err = failure_of(mismatch);
  CHECK_MESSAGE(err.find(dir.file("other.key.pem")) != std::string::npos, err);
}

TEST_CASE("ws_server stops promptly with clients connected and stays quiet afterwards") {
  server_fixture srv;
  client_fixture cl(client_config(srv.url()));
  REQUIRE(cl.ok);
  auto before = std::chrono::steady_clock::now();
  srv.conn->stop();
  CHECK(std::chrono::steady_clock::now() - before < 2s);
  size_t calls = 0;
  {
    std::lock_guard<std::mutex> g(srv.ctx->mtx);
    calls = srv.ctx->logs.size() + srv.ctx->finished.size() + srv.ctx->frames.size();
  }
  // The client notices the server went away.
  CHECK(cl.ctx->wait([&] { return !cl.ctx->lost.empty(); }));
  std::this_thread::sleep_for(100ms);
  std::lock_guard<std::mutex> g(srv.ctx->mtx);
  CHECK(srv.ctx->logs.size() + srv.ctx->finished.size() + srv.ctx->frames.size() == calls);
}

} // TEST_SUITE
