#include "tests/connectors/stream/stream_test_support.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

namespace temblor::connectors::stream_testing {

// -- recording_context ------------------------------------------------------------

void recording_context::ack(const event_id& id) {
  std::lock_guard<std::mutex> g(mtx);
  acks.push_back(id);
  cv.notify_all();
}

void recording_context::fail(const event_id& id) {
  std::lock_guard<std::mutex> g(mtx);
  fails.push_back(id);
  cv.notify_all();
}

uint64_t recording_context::count(std::string_view name) {
  return counter(name).load();
}

std::map<uint64_t, std::string> recording_context::bytes_by_stream() {
  std::lock_guard<std::mutex> g(mtx);
  std::map<uint64_t, std::string> out;
  for (const auto& f : frames)
    out[f.stream] += f.data;
  return out;
}

bool recording_context::logged(std::string_view text) {
  std::lock_guard<std::mutex> g(mtx);
  for (const auto& l : logs)
    if (l.find(text) != std::string::npos)
      return true;
  return false;
}

// -- fixtures ----------------------------------------------------------------------

server_under_test::server_under_test(const connector_descriptor& d, value config, bool link) {
  conn = ws::testing::make_connector(d, std::move(config), ctx, source_id, err);
  if (!conn)
    return;
  conn->start(test_start(link));
  conn->connect();
  ok = ctx->wait_connect_outcome();
  if (!ok) {
    std::lock_guard<std::mutex> g(ctx->mtx);
    if (!ctx->connect_failures.empty())
      err = ctx->connect_failures.back();
    return;
  }
  if (d.name == "tcp_server")
    port = ctx->listening_port();
  conn->resume();
}

server_under_test::~server_under_test() {
  if (conn)
    conn->stop();
}

client_under_test::client_under_test(const connector_descriptor& d, value config) {
  conn = ws::testing::make_connector(d, std::move(config), ctx, source_id, err);
  if (!conn)
    return;
  conn->start(test_start());
  conn->connect();
  ok = ctx->wait_connect_outcome();
  conn->resume();
}

client_under_test::~client_under_test() {
  if (conn)
    conn->stop();
}

bool client_under_test::reconnect() {
  conn->connect();
  ok = ctx->wait_connect_outcome();
  return ok;
}

std::string client_under_test::last_failure() {
  std::lock_guard<std::mutex> g(ctx->mtx);
  return ctx->connect_failures.empty() ? std::string() : ctx->connect_failures.back();
}

size_t echo_until(server_under_test& s, const std::function<bool()>& done,
                  std::chrono::milliseconds timeout) {
  return ws::testing::run_echo(*s.conn, *s.ctx, s.ser, server_under_test::source_id, done,
                               timeout);
}

// -- raw_peer ------------------------------------------------------------------------

namespace {

bool wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0)
    return false;
  pollfd pfd{fd, events, 0};
  return ::poll(&pfd, 1, static_cast<int>(left.count())) > 0;
}

} // namespace

raw_peer raw_peer::tcp(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    fd = -1;
  }
  return raw_peer(fd);
}

raw_peer raw_peer::unix_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    fd = -1;
  }
  return raw_peer(fd);
}

raw_peer::raw_peer(raw_peer&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

raw_peer::~raw_peer() {
  if (fd_ >= 0)
    ::close(fd_);
}

uint16_t raw_peer::local_port() const {
  sockaddr_in addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return 0;
  return ntohs(addr.sin_port);
}

bool raw_peer::send(std::string_view data) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!data.empty()) {
    if (!wait_fd(fd_, POLLOUT, deadline))
      return false;
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR)
        continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool raw_peer::read(size_t n, std::string& out, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  while (out.size() < n) {
    if (!wait_fd(fd_, POLLIN, deadline))
      return false;
    ssize_t got = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (got == 0)
      return false;
    if (got < 0) {
      if (errno == EAGAIN || errno == EINTR)
        continue;
      return false;
    }
    out.append(buf, static_cast<size_t>(got));
  }
  return true;
}

bool raw_peer::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  for (;;) {
    if (!wait_fd(fd_, POLLIN, deadline))
      return false;
    ssize_t got = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
      return true;
  }
}

void raw_peer::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void raw_peer::reset() {
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  ::close(fd_);
  fd_ = -1;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// -- peers and certificates ------------------------------------------------------------

std::vector<std::string> python_peer(const std::string& script, std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/python3", ws::testing::peer_script(script)};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

bool make_test_certs(const temp_dir& dir) {
  auto script = (std::filesystem::current_path() / "tests/connectors/stream/make_certs.sh").string();
  child_process p({"sh", script, dir.path()}, /*quiet=*/true);
  return p.wait() == 0;
}

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

} // namespace temblor::connectors::stream_testing
