// Interoperability with real WebSocket implementations: Python `websockets`
// (Debian's python3-websockets) and Node's `ws` (tests/peers/package.json),
// plain and TLS, text and binary frames, plus 1,000 concurrent clients.

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <filesystem>

#include "connectors/ws/ws_client.hpp"
#include "connectors/ws/ws_server.hpp"
#include "tests/connectors/ws/test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::ws::testing;

namespace {

/// Runs a client peer against an echoing ws_server and checks it reports
/// `ok <count>`.
void check_client_peer(std::vector<std::string> argv, server_fixture& srv, int count = 10) {
  child_process p(argv);
  REQUIRE(p.started());
  size_t echoed = run_echo(*srv.conn, *srv.ctx, srv.ser, server_fixture::source_id,
                           [&] { return p.exited(); });
  CHECK(p.wait() == 0);
  CHECK(echoed == static_cast<size_t>(count));
  std::string line;
  REQUIRE(p.read_line(line, 1s));
  CHECK(line == "ok " + std::to_string(count));
}

/// Starts a server peer, connects a ws_client to it and checks echoes.
void check_server_peer(std::vector<std::string> argv, bool tls, const std::string& cafile,
                       bool binary) {
  child_process p(argv);
  REQUIRE(p.started());
  std::string line;
  REQUIRE(p.read_line(line));
  REQUIRE(line.rfind("port ", 0) == 0);
  std::string port = line.substr(5);
  record cfg{{"url", std::string(tls ? "wss://localhost:" : "ws://127.0.0.1:") + port}};
  if (tls)
    cfg.set("tls", record{{"cafile", cafile}});
  client_fixture cl{value(std::move(cfg))};
  REQUIRE_MESSAGE(cl.ok, (cl.ctx->connect_failures.empty() ? cl.err : cl.ctx->connect_failures[0]));
  for (int i = 0; i < 5; ++i) {
    std::string text = R"({"seq":)" + std::to_string(i) + R"(,"text":"héllo"})";
    event ev = make_event(client_fixture::source_id, 0, text,
                          binary ? value(record{{"binary", true}}) : value(), binary);
    REQUIRE(cl.conn->write("in", ev, cl.ser) == sink_outcome::done);
    received_frame f;
    REQUIRE(cl.ctx->pop(f));
    CHECK(f.data == text);
    const value* bin = f.meta.get("binary");
    CHECK((bin != nullptr && bin->as_bool()) == binary);
    CHECK(f.meta.get("ws_client")->get("tls")->as_bool() == tls);
  }
  cl.conn->stop();
  CHECK(p.wait() == 0);
}

value tls_server_config(const temp_dir& dir) {
  return value(record{
      {"url", "127.0.0.1:0"},
      {"tls", record{{"cert", dir.file("srv.cert.pem")}, {"key", dir.file("srv.key.pem")}}}});
}

} // namespace

TEST_SUITE("connectors.ws.peers") {

TEST_CASE("a Python websockets client gets its text and binary messages echoed") {
  server_fixture srv;
  REQUIRE(srv.port != 0);
  check_client_peer({"/usr/bin/python3", peer_script("py_ws_client.py"), srv.url()}, srv);
  check_client_peer({"/usr/bin/python3", peer_script("py_ws_client.py"), srv.url(), "--binary"},
                    srv);
}

TEST_CASE("a Python websockets client gets echoes over TLS") {
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  server_fixture srv(tls_server_config(dir));
  REQUIRE(srv.port != 0);
  check_client_peer({"/usr/bin/python3", peer_script("py_ws_client.py"), srv.url(true),
                     "--cafile", dir.file("srv.cert.pem")},
                    srv);
  check_client_peer({"/usr/bin/python3", peer_script("py_ws_client.py"), srv.url(true),
                     "--cafile", dir.file("srv.cert.pem"), "--binary"},
                    srv);
}

TEST_CASE("ws_client talks to a Python websockets server over plain and TLS with text and binary") {
  check_server_peer({"/usr/bin/python3", peer_script("py_ws_server.py")}, false, "", false);
  check_server_peer({"/usr/bin/python3", peer_script("py_ws_server.py")}, false, "", true);
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  check_server_peer({"/usr/bin/python3", peer_script("py_ws_server.py"), "--cert",
                     dir.file("srv.cert.pem"), "--key", dir.file("srv.key.pem")},
                    true, dir.file("srv.cert.pem"), false);
  check_server_peer({"/usr/bin/python3", peer_script("py_ws_server.py"), "--cert",
                     dir.file("srv.cert.pem"), "--key", dir.file("srv.key.pem")},
                    true, dir.file("srv.cert.pem"), true);
}

TEST_CASE("a Node ws client gets its messages echoed over plain and TLS with text and binary") {
  REQUIRE_MESSAGE(node_peers_available(), "run `npm ci --prefix tests/peers` first");
  server_fixture srv;
  REQUIRE(srv.port != 0);
  check_client_peer({"node", peer_script("node_ws_client.js"), srv.url()}, srv);
  check_client_peer({"node", peer_script("node_ws_client.js"), srv.url(), "--binary"}, srv);
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  server_fixture tls_srv(tls_server_config(dir));
  REQUIRE(tls_srv.port != 0);
  check_client_peer({"node", peer_script("node_ws_client.js"), tls_srv.url(true), "--cafile",
                     dir.file("srv.cert.pem")},
                    tls_srv);
  check_client_peer({"node", peer_script("node_ws_client.js"), tls_srv.url(true), "--cafile",
                     dir.file("srv.cert.pem"), "--binary"},
                    tls_srv);
}

TEST_CASE("ws_client talks to a Node ws server over plain and TLS with text and binary") {
  REQUIRE_MESSAGE(node_peers_available(), "run `npm ci --prefix tests/peers` first");
  check_server_peer({"node", peer_script("node_ws_server.js")}, false, "", false);
  check_server_peer({"node", peer_script("node_ws_server.js")}, false, "", true);
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  check_server_peer({"node", peer_script("node_ws_server.js"), "--cert", dir.file("srv.cert.pem"),
                     "--key", dir.file("srv.key.pem")},
                    true, dir.file("srv.cert.pem"), false);
  check_server_peer({"node", peer_script("node_ws_server.js"), "--cert", dir.file("srv.cert.pem"),
                     "--key", dir.file("srv.key.pem")},
                    true, dir.file("srv.cert.pem"), true);
}

TEST_CASE("a page in headless Chromium shows the reply ws_server echoed") {
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                  "install Debian's chromium (tools/test.sh does)");
  server_fixture srv;
  REQUIRE(srv.port != 0);
  child_process http({"/usr/bin/python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                      "--directory", peer_script("")},
                     /*quiet=*/true);
  std::string line;
  REQUIRE(http.read_line(line)); // "Serving HTTP on 127.0.0.1 port N (…) ..."
  auto at = line.find(" port ");
  REQUIRE(at != std::string::npos);
  std::string http_port = line.substr(at + 6, line.find(' ', at + 6) - at - 6);
  // playwright-core waits for the reply in the page itself; --dump-dom with
  // a virtual time budget does not wait for WebSocket traffic.
  REQUIRE_MESSAGE(node_peers_available(), "run `npm ci --prefix tests/peers` first");
  child_process chrome({"node", peer_script("chromium_peer.js"),
                        "http://127.0.0.1:" + http_port +
                            "/ws_page.html?port=" + std::to_string(srv.port)});
  REQUIRE(chrome.started());
  size_t echoed = run_echo(*srv.conn, *srv.ctx, srv.ser, server_fixture::source_id,
                           [&] { return chrome.exited(); }, 60s);
  CHECK(chrome.wait() == 0);
  CHECK(echoed == 1);
  std::string dom;
  while (chrome.read_line(line, 1s))
    dom += line + "\n";
  CHECK(dom.find(R"(<div id="reply">reply:{"from":"chromium","n":42}</div>)") != std::string::npos);
  CHECK(dom.find(R"(<div id="status">done</div>)") != std::string::npos);
}

TEST_CASE("a thousand clients at once each get their own 10 echoes back") {
  // Each connection is a descriptor here and one in the peer process.
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  REQUIRE(lim.rlim_cur >= 2100);
  server_fixture srv(value(record{{"url", "127.0.0.1:0"}, {"backlog", 1024}}));
  REQUIRE(srv.port != 0);
  child_process p({"/usr/bin/python3", peer_script("py_many_clients.py"), srv.url(), "1000", "10"});
  REQUIRE(p.started());
  size_t echoed = run_echo(*srv.conn, *srv.ctx, srv.ser, server_fixture::source_id,
                           [&] { return p.exited(); }, 120s);
  CHECK(p.wait() == 0);
  std::string line;
  REQUIRE(p.read_line(line, 1s));
  CHECK(line == "ok 1000 10 concurrent=1000");
  CHECK(echoed == 10000);
}

} // TEST_SUITE
