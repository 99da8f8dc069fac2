#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/harness/temp_dir.hpp"
#include "tools/temblor/harness/await_conditions.hpp"

using namespace temblor::harness;
using namespace std::chrono_literals;

namespace {

// A listening socket on an ephemeral loopback port; optionally answers one
// HTTP request per connection with `status_line`.
class loopback_listener {
public:
  explicit loopback_listener(std::string status_line = {}) : status_(std::move(status_line)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (!status_.empty())
      server_ = std::thread([this] { serve(); });
  }
  ~loopback_listener() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (server_.joinable())
      server_.join();
  }
  int port() const { return port_; }
  std::string port_text() const { return std::to_string(port_); }

private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0)
        return;
      char buf[1024];
      (void) ::recv(c, buf, sizeof buf, 0);
      std::string reply = status_ + "\r\nContent-Length: 0\r\n\r\n";
      (void) ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::string status_;
  std::atomic<bool> stop_{false};
  std::thread server_;
};

// A closed ephemeral port: bound, then released.
int closed_port() {
  loopback_listener l;
  return l.port();
}

std::unique_ptr<child_process> start(const std::vector<std::string>& argv) {
  spawn_request req;
  req.program = argv.front();
  req.argv = argv;
  std::string error;
  auto child = child_process::spawn(req, error);
  REQUIRE_MESSAGE(child, error);
  return child;
}

await_spec spec_of(std::string name, std::vector<std::string> values, double max = 0) {
  await_spec s;
  s.conditions.emplace_back(std::move(name), std::move(values));
  s.max_await_secs = max;
  return s;
}

const stop_condition ten_seconds{clock::now() + 10s};

} // namespace

TEST_SUITE("harness.await") {

TEST_CASE("port-open holds once something listens on the port") {
  loopback_listener l;
  CHECK(port_open(l.port_text(), 500ms));
  CHECK(port_open("127.0.0.1:" + l.port_text(), 500ms));
  CHECK_FALSE(port_open(std::to_string(closed_port()), 500ms));
  auto sleeper = start({"/bin/sleep", "5"});
  CHECK(await_ready(spec_of("port-open", {l.port_text()}), *sleeper, "/", ten_seconds).empty());
}

TEST_CASE("port-open on a closed port fails after max-await-secs with the port named") {
  auto sleeper = start({"/bin/sleep", "5"});
  auto port = std::to_string(closed_port());
  auto t0 = clock::now();
  auto why = await_ready(spec_of("port-open", {port}, 1), *sleeper, "/", ten_seconds);
  CHECK(why == "await conditions not met within max-await-secs 1: port-open " + port);
  CHECK(clock::now() - t0 >= 1s);
  CHECK(clock::now() - t0 < 3s);
}

TEST_CASE("port-open with the default max-await-secs checks once") {
  auto sleeper = start({"/bin/sleep", "5"});
  auto t0 = clock::now();
  CHECK_FALSE(await_ready(spec_of("port-open", {std::to_string(closed_port())}), *sleeper, "/",
                          ten_seconds)
                .empty());
  CHECK(clock::now() - t0 < 1500ms);
}

TEST_CASE("http-ok needs a 2xx status line") {
  loopback_listener ok{"HTTP/1.1 204 No Content"};
  loopback_listener missing{"HTTP/1.0 404 Not Found"};
  std::string detail;
  CHECK(http_ok("http://127.0.0.1:" + ok.port_text() + "/health", 2s, detail));
  CHECK_FALSE(http_ok("http://127.0.0.1:" + missing.port_text() + "/", 2s, detail));
  CHECK(detail == "status 404");
  CHECK_FALSE(http_ok("http://127.0.0.1:" + std::to_string(closed_port()) + "/", 2s, detail));
  CHECK(detail == "connection refused");
  CHECK_FALSE(http_ok("https://127.0.0.1/", 2s, detail));

  auto sleeper = start({"/bin/sleep", "5"});
  CHECK(await_ready(spec_of("http-ok", {"http://localhost:" + ok.port_text() + "/"}), *sleeper,
                    "/", ten_seconds)
          .empty());
  auto why = await_ready(spec_of("http-ok", {"http://127.0.0.1:" + missing.port_text() + "/x"}),
                         *sleeper, "/", ten_seconds);
  CHECK(why.find("(status 404)") != std::string::npos);
}

TEST_CASE("wait-for-ms waits that long after the process started") {
  auto sleeper = start({"/bin/sleep", "5"});
  auto why = await_ready(spec_of("wait-for-ms", {"300"}), *sleeper, "/", ten_seconds);
  CHECK(why.empty());
  CHECK(clock::now() - sleeper->started_at() >= 300ms);
}

TEST_CASE("wait-for-ms gives up when the test's deadline comes first") {
  auto sleeper = start({"/bin/sleep", "5"});
  stop_condition soon{clock::now() + 200ms};
  auto t0 = clock::now();
  auto why = await_ready(spec_of("wait-for-ms", {"5000"}), *sleeper, "/", soon);
  CHECK(why == "test timed out while awaiting the before step");
  CHECK(clock::now() - t0 < 1s);
}

TEST_CASE("file-exists polls until the file appears relative to the step's dir") {
  test::temp_dir dir;
  auto maker = start({"/bin/sh", "-c", "sleep 0.3; touch " + (dir / "ready")});
  CHECK(await_ready(spec_of("file-exists", {"ready"}, 5), *maker, dir.path(), ten_seconds)
          .empty());
  auto sleeper = start({"/bin/sleep", "5"});
  auto why = await_ready(spec_of("file-exists", {"never"}, 1), *sleeper, dir.path(), ten_seconds);
  CHECK(why == "await conditions not met within max-await-secs 1: file-exists never");
}

TEST_CASE("status waits for the before process to exit and compares its code") {
  auto three = start({"/bin/sh", "-c", "sleep 0.2; exit 3"});
  CHECK(await_ready(spec_of("status", {"0", "3"}), *three, "/", ten_seconds).empty());
  REQUIRE(three->status());
  CHECK(three->status()->code == 3);
  auto one = start({"/bin/sh", "-c", "exit 1"});
  CHECK(await_ready(spec_of("status", {"0"}), *one, "/", ten_seconds) ==
        "status: expected 0, the before process ended with exit status 1");
}

TEST_CASE("min-await-secs sleeps after the conditions hold") {
  auto sleeper = start({"/bin/sleep", "5"});
  await_spec s;
  s.min_await_secs = 0.5;
  auto t0 = clock::now();
  CHECK(await_ready(s, *sleeper, "/", ten_seconds).empty());
  CHECK(clock::now() - t0 >= 500ms);
}

TEST_CASE("an unknown condition or a malformed value is an error and is not ignored") {
  auto sleeper = start({"/bin/sleep", "5"});
  CHECK(await_ready(spec_of("port_open", {"1"}), *sleeper, "/", ten_seconds)
          .rfind("unknown await condition `port_open`", 0) == 0);
  CHECK(await_ready(spec_of("port-open", {"http"}), *sleeper, "/", ten_seconds) ==
        "port-open: `http` is not a port");
  CHECK(await_ready(spec_of("wait-for-ms", {"soon"}), *sleeper, "/", ten_seconds) ==
        "wait-for-ms: `soon` is not a number of milliseconds");
}

}
