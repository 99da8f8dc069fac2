// unix_socket_server and unix_socket_client over real Unix domain sockets,
// against raw sockets, Python asyncio, socat and each other.

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "connectors/unix_socket/unix_socket_client.hpp"
#include "connectors/unix_socket/unix_socket_server.hpp"
#include "tests/connectors/stream/stream_test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::stream_testing;

namespace {

constexpr uint64_t src = server_under_test::source_id;

value server_config(const std::string& path, record extra = {}) {
  record cfg{{"path", path}};
  for (const auto& [k, v] : extra)
    cfg.set(k, v);
  return value(std::move(cfg));
}

bool is_socket(const std::string& path, mode_t* mode = nullptr) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode))
    return false;
  if (mode)
    *mode = st.st_mode & 0777;
  return true;
}

/// Leaves a socket file behind as a crashed process would: bound, closed,
/// never removed.
void make_stale_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  ::close(fd);
}

received_frame next_frame(recording_context& ctx) {
  received_frame f;
  REQUIRE(ctx.pop(f));
  return f;
}

} // namespace

TEST_SUITE("connectors.unix_socket") {

TEST_CASE("unix_socket_server creates its socket with the permissions, tags streams and removes the file on stop") {
  temp_dir dir;
  const std::string path = dir.file("in.sock");
  mode_t mode = 0;
  {
    server_under_test srv(unix_socket::unix_socket_server_descriptor(),
                          server_config(path, {{"permissions", "=600"}}));
    REQUIRE_MESSAGE(srv.ok, srv.err);
    REQUIRE(is_socket(path, &mode));
    CHECK(mode == 0600);
    auto a = raw_peer::unix_socket(path);
    REQUIRE(a.send("hello\n"));
    auto f = next_frame(*srv.ctx);
    CHECK(f.data == "hello\n");
    const value* meta = f.meta.get("unix_socket_server");
    REQUIRE(meta != nullptr);
    CHECK(meta->get("path")->as_string() == path);
    uint64_t peer = 99;
    CHECK(meta->get("peer")->get_u64(peer));
    CHECK(peer == f.stream);
    // Nothing but the socket is left in the directory (no temporary name).
    size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
      (void)e;
      ++entries;
    }
    CHECK(entries == 1);
  }
  CHECK_FALSE(std::filesystem::exists(path));

  server_under_test symbolic(unix_socket::unix_socket_server_descriptor(),
                             server_config(path, {{"permissions", "u=rw,g=rw,o="}}));
  REQUIRE(symbolic.ok);
  REQUIRE(is_socket(path, &mode));
  CHECK(mode == 0660);
}

TEST_CASE("unix_socket_server replaces a stale socket file but not a live one or another file") {
  temp_dir dir;
  const std::string path = dir.file("stale.sock");
  make_stale_socket(path);
  REQUIRE(is_socket(path));
  server_under_test srv(unix_socket::unix_socket_server_descriptor(), server_config(path));
  REQUIRE_MESSAGE(srv.ok, srv.err);
  auto peer = raw_peer::unix_socket(path);
  REQUIRE(peer.send("on the new socket\n"));
  CHECK(next_frame(*srv.ctx).data == "on the new socket\n");

  server_under_test second(unix_socket::unix_socket_server_descriptor(), server_config(path));
  CHECK_FALSE(second.ok);
  CHECK(second.err == "cannot listen on `" + path + "`: another process listens on it");
  auto still = raw_peer::unix_socket(path); // the first one's file was left alone
  REQUIRE(still.send("still served\n"));
  CHECK(next_frame(*srv.ctx).data == "still served\n");

  const std::string regular = dir.file("data.txt");
  std::ofstream(regular) << "precious";
  server_under_test third(unix_socket::unix_socket_server_descriptor(), server_config(regular));
  CHECK_FALSE(third.ok);
  CHECK(third.err == "cannot listen on `" + regular + "`: a file that is not a socket is in the way");
  std::ifstream kept(regular);
  std::string content;
  kept >> content;
  CHECK(content == "precious");
}

TEST_CASE("unix_socket_server routes a reply by $unix_socket_server.peer, else by origin") {
  temp_dir dir;
  const std::string path = dir.file("r.sock");
  server_under_test srv(unix_socket::unix_socket_server_descriptor(), server_config(path));
  REQUIRE(srv.ok);
  auto a = raw_peer::unix_socket(path);
  REQUIRE(a.send("a\n"));
  auto fa = next_frame(*srv.ctx);
  auto b = raw_peer::unix_socket(path);
  REQUIRE(b.send("b\n"));
  auto fb = next_frame(*srv.ctx);
  REQUIRE(fa.stream != fb.stream);
  // From a's stream, but the meta names b.
  REQUIRE(srv.conn->write("in", make_event(src, fa.stream, "to b\n", fb.meta), srv.ser) ==
          sink_outcome::done);
  REQUIRE(srv.conn->write("in", make_event(src, fa.stream, "to a\n", value()), srv.ser) ==
          sink_outcome::done);
  std::string got_a, got_b;
  CHECK(b.read(5, got_b));
  CHECK(a.read(5, got_a));
  CHECK(got_b == "to b\n");
  CHECK(got_a == "to a\n");
  a.shutdown_write();
  CHECK(a.wait_closed());
  CHECK(srv.ctx->wait([&] { return srv.ctx->finished.size() == 1; }));
  CHECK(srv.conn->write("in", make_event(src, fa.stream, "late\n", fa.meta), srv.ser) ==
        sink_outcome::failed);
}

TEST_CASE("unix_socket_server serves Python asyncio and socat peers") {
  temp_dir dir;
  const std::string path = dir.file("py.sock");
  server_under_test srv(unix_socket::unix_socket_server_descriptor(), server_config(path));
  REQUIRE(srv.ok);
  child_process py(python_peer("py_tcp_clients.py", {"--unix", path, "--conns", "200", "--lines", "10"}));
  child_process socat({"sh", "-c", "printf 'via socat\\n' | socat -t 5 - UNIX-CONNECT:" + path + ",shut-none"});
  std::string from_socat;
  echo_until(srv, [&] {
    if (from_socat.empty())
      socat.read_line(from_socat, 5ms);
    return py.exited() && !from_socat.empty();
  });
  std::string result;
  CHECK(py.read_line(result));
  CHECK(result == "ok 200 10");
  CHECK(from_socat == "via socat");
}

TEST_CASE("unix_socket_client and unix_socket_server echo, and the client reconnects after a server restart") {
  temp_dir dir;
  const std::string path = dir.file("echo.sock");
  auto srv = std::make_unique<server_under_test>(unix_socket::unix_socket_server_descriptor(),
                                                 server_config(path));
  REQUIRE(srv->ok);
  client_under_test cl(unix_socket::unix_socket_client_descriptor(),
                       value(record{{"path", path}}));
  REQUIRE_MESSAGE(cl.ok, cl.last_failure());
  REQUIRE(cl.conn->write("in", make_event(1, 0, "ping\n", value()), cl.ser) == sink_outcome::done);
  auto at_server = next_frame(*srv->ctx);
  CHECK(at_server.data == "ping\n");
  REQUIRE(srv->conn->write("in", make_event(src, at_server.stream, "pong\n", at_server.meta),
                           srv->ser) == sink_outcome::done);
  auto at_client = next_frame(*cl.ctx);
  CHECK(at_client.data == "pong\n");
  CHECK(at_client.meta.get("unix_socket_client")->get("path")->as_string() == path);

  srv.reset(); // stop: the file goes, the client hears the end
  CHECK(cl.ctx->wait([&] { return !cl.ctx->lost.empty(); }));
  CHECK(cl.conn->write("in", make_event(1, 0, "lost\n", value()), cl.ser) == sink_outcome::failed);
  CHECK_FALSE(cl.reconnect());
  CHECK(cl.last_failure() == "cannot connect to `" + path + "`: No such file or directory");

  srv = std::make_unique<server_under_test>(unix_socket::unix_socket_server_descriptor(),
                                            server_config(path));
  REQUIRE(srv->ok);
  REQUIRE(cl.reconnect());
  REQUIRE(cl.conn->write("in", make_event(1, 0, "again\n", value()), cl.ser) == sink_outcome::done);
  CHECK(next_frame(*srv->ctx).data == "again\n");
}

TEST_CASE("unix_socket_client talks to socat") {
  temp_dir dir;
  const std::string path = dir.file("socat.sock");
  child_process socat({"socat", "UNIX-LISTEN:" + path, "PIPE"});
  REQUIRE(socat.started());
  client_under_test cl(unix_socket::unix_socket_client_descriptor(), value(record{{"path", path}}));
  CHECK(eventually([&] { return cl.ok || cl.reconnect(); }));
  REQUIRE(cl.conn->write("in", make_event(1, 0, std::string("bin\0ary\n", 8), value()), cl.ser) ==
          sink_outcome::done);
  CHECK(next_frame(*cl.ctx).data == std::string("bin\0ary\n", 8));
}

} // TEST_SUITE
