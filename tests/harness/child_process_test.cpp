#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include <sys/stat.h>

#include "tests/harness/temp_dir.hpp"
#include "tools/temblor/harness/child_process.hpp"

using namespace temblor::harness;
using namespace std::chrono_literals;

namespace {

spawn_request shell(const std::string& script, const test::temp_dir& dir) {
  spawn_request req;
  req.program = "/bin/sh";
  req.argv = {"sh", "-c", script};
  req.cwd = dir.path();
  req.stdout_path = dir / "out.log";
  req.stderr_path = dir / "err.log";
  return req;
}

std::unique_ptr<child_process> start(const spawn_request& req) {
  std::string error;
  auto child = child_process::spawn(req, error);
  REQUIRE_MESSAGE(child, error);
  return child;
}

const stop_condition ten_seconds{clock::now() + 10s};

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

} // namespace

TEST_SUITE("harness.process") {

TEST_CASE("a child's exit code and its stdout and stderr are captured in its cwd") {
  test::temp_dir dir;
  auto child = start(shell("pwd; echo oops >&2; exit 7", dir));
  auto st = child->wait_until(ten_seconds);
  REQUIRE(st);
  CHECK(st->exited());
  CHECK(st->code == 7);
  CHECK(st->describe() == "exit status 7");
  CHECK(dir.read("out.log") == dir.path() + "\n");
  CHECK(dir.read("err.log") == "oops\n");
}

TEST_CASE("a child killed by a signal reports the signal") {
  test::temp_dir dir;
  auto child = start(shell("kill -9 $$", dir));
  auto st = child->wait_until(ten_seconds);
  REQUIRE(st);
  CHECK_FALSE(st->exited());
  CHECK(st->signal == SIGKILL);
  CHECK(st->describe() == "killed by signal 9 (Killed)");
}

TEST_CASE("stdin data is written and then closed so the child sees EOF") {
  test::temp_dir dir;
  auto req = shell("cat", dir);
  req.input = stdin_mode::data_pipe;
  req.stdin_data = std::string(200000, 'x') + "\nend\n";
  auto child = start(req);
  auto st = child->wait_until(ten_seconds);
  REQUIRE(st);
  CHECK(st->code == 0);
  CHECK(dir.read("out.log") == req.stdin_data);
}

TEST_CASE("an open stdin pipe never reaches EOF until the harness closes it") {
  test::temp_dir dir;
  auto req = shell("cat; echo eof", dir);
  req.input = stdin_mode::open_pipe;
  auto child = start(req);
  CHECK_FALSE(child->wait_until(stop_condition{clock::now() + 300ms}));
  child->close_stdin();
  auto st = child->wait_until(ten_seconds);
  REQUIRE(st);
  CHECK(dir.read("out.log") == "eof\n");
}

TEST_CASE("the child gets exactly the environment it is given") {
  test::temp_dir dir;
  auto req = shell("echo \"$ONLY_THIS-$HOME\"", dir);
  req.env = {"ONLY_THIS=yes"};
  auto child = start(req);
  REQUIRE(child->wait_until(ten_seconds));
  CHECK(dir.read("out.log") == "yes-\n");
}

TEST_CASE("killing the group also kills the child's background jobs") {
  test::temp_dir dir;
  auto child = start(shell("sleep 30 & echo $! > bg.pid; sleep 30", dir));
  pid_t bg = 0;
  for (int i = 0; i < 200 && bg == 0; ++i) {
    std::this_thread::sleep_for(10ms);
    std::ifstream in{dir / "bg.pid"};
    in >> bg;
  }
  REQUIRE(bg > 0);
  CHECK(alive(bg));
  child->kill_group();
  REQUIRE(child->status());
  CHECK(child->status()->signal == SIGKILL);
  // The background sleep is reparented to init, which reaps it shortly.
  for (int i = 0; i < 200 && alive(bg); ++i)
    std::this_thread::sleep_for(10ms);
  CHECK_FALSE(alive(bg));
}

TEST_CASE("stop_group sends SIGTERM first and SIGKILL only after the grace period") {
  test::temp_dir dir;
  auto polite = start(shell("trap 'echo term; exit 0' TERM; while :; do sleep 0.05; done", dir));
  std::this_thread::sleep_for(200ms);
  polite->stop_group(2000ms);
  REQUIRE(polite->status());
  CHECK(polite->status()->code == 0);
  CHECK(dir.read("out.log") == "term\n");

  test::temp_dir dir2;
  auto stubborn = start(shell("trap '' TERM; while :; do sleep 0.05; done", dir2));
  std::this_thread::sleep_for(200ms);
  auto t0 = clock::now();
  stubborn->stop_group(300ms);
  REQUIRE(stubborn->status());
  CHECK(stubborn->status()->signal == SIGKILL);
  CHECK(clock::now() - t0 >= 300ms);
}

TEST_CASE("a missing program or cwd is reported by spawn and not as an exit code") {
  test::temp_dir dir;
  spawn_request req;
  req.program = dir / "nope";
  req.argv = {"nope"};
  std::string error;
  CHECK_FALSE(child_process::spawn(req, error));
  CHECK(error.find("No such file or directory") != std::string::npos);
  auto bad_cwd = shell("true", dir);
  bad_cwd.cwd = dir / "missing";
  CHECK_FALSE(child_process::spawn(bad_cwd, error));
}

TEST_CASE("a script without a #! line runs through sh") {
  test::temp_dir dir;
  auto script = dir.write("plain.sh", "echo \"from sh: $1\"\n");
  ::chmod(script.c_str(), 0755);
  spawn_request req;
  req.program = script;
  req.argv = {"plain.sh", "arg"};
  req.stdout_path = dir / "out.log";
  std::string error;
  auto child = child_process::spawn(req, error);
  REQUIRE_MESSAGE(child, error);
  REQUIRE(child->wait_until(ten_seconds));
  CHECK(dir.read("out.log") == "from sh: arg\n");
}

TEST_CASE("wait_until returns nothing when the deadline passes first") {
  test::temp_dir dir;
  auto child = start(shell("sleep 5", dir));
  auto t0 = clock::now();
  CHECK_FALSE(child->wait_until(stop_condition{clock::now() + 100ms}));
  CHECK(clock::now() - t0 < 1s);
  CHECK_FALSE(child->status());
}

}
