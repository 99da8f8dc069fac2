#include <doctest/doctest.h>

#include <csignal>
#include <iostream>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/stat.h>

#include "tests/harness/temp_dir.hpp"
#include "tools/temblor/harness/command_runner.hpp"
#include "tools/temblor/harness/integration_runner.hpp"
#include "tools/temblor/harness/stop_condition.hpp"
#include "tools/temblor/harness/test_command.hpp"

using namespace temblor::harness;
using namespace std::chrono_literals;

namespace {

// A stand-in for `tremor`: records its arguments, copies stdin, runs the
// .troy files as shell scripts.
std::string fake_tremor(const test::temp_dir& dir) {
  auto path = dir.write("bin/fake-tremor", R"(#!/bin/sh
echo "$@" > args.txt
shift 4
for f in "$@"; do sh "$f" || exit $?; done
)");
  ::chmod(path.c_str(), 0755);
  return path;
}

discovered_test test_at(const std::string& dir, test_kind kind = test_kind::integration) {
  discovered_test t;
  t.kind = kind;
  t.dir = dir;
  t.name = "t";
  return t;
}

run_settings settings_for(const test::temp_dir& dir, std::chrono::seconds timeout = 20s) {
  run_settings s;
  s.root = dir.path();
  s.self_exe = fake_tremor(dir);
  s.timeout = timeout;
  return s;
}

// Runs run_test_command with stdout captured.
int run_captured(const std::vector<std::string>& args, const std::string& self,
                 std::string& output) {
  std::ostringstream capture;
  auto* old = std::cout.rdbuf(capture.rdbuf());
  int rc = run_test_command(args, self);
  std::cout.rdbuf(old);
  output = capture.str();
  return rc;
}

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - start);
}

} // namespace

TEST_SUITE("harness.runner") {

TEST_CASE("the main process is `tremor server run -n --debug-connectors` with sorted .troy files") {
  test::temp_dir dir;
  dir.write("t/b.troy", "cat > seen-stdin.txt\n");
  dir.write("t/a.troy", "echo from-a\n");
  dir.write("t/stdin", "line 1\nline 2\n");
  auto r = run_integration_test(test_at(dir / "t"), settings_for(dir));
  CHECK(r.failures.empty());
  CHECK(r.result == outcome::passed);
  CHECK(r.exit_code == std::optional<int>{0});
  CHECK(dir.read("t/args.txt") == "server run -n --debug-connectors a.troy b.troy\n");
  CHECK(dir.read("t/seen-stdin.txt") == "line 1\nline 2\n");
  CHECK(dir.read("t/fg.out.log") == "from-a\n");
}

TEST_CASE("assert.yaml decides the outcome and every failed check is listed") {
  test::temp_dir dir;
  dir.write("t/main.troy", "echo hello; exit 2\n");
  dir.write("t/assert.yaml", R"(status: 2
name: two checks, one fails
asserts:
  - source: stdout
    contains: [hello, world]
)");
  auto r = run_integration_test(test_at(dir / "t"), settings_for(dir));
  CHECK(r.result == outcome::failed);
  CHECK(r.checks == 3);
  CHECK(r.failures == std::vector<std::string>{"stdout does not contain \"world\""});
}

TEST_CASE("before processes are stopped when the test ends while after steps still run") {
  test::temp_dir dir;
  dir.write("t/main.troy", "exit 0\n");
  dir.write("t/before.yaml", R"(- cmd: sh
  args: ["-c", "echo $$ > before.pid; exec sleep 30"]
  await:
    file-exists: [before.pid]
  max-await-secs: 5
)");
  dir.write("t/after.yaml", "dir: .\ncmd: sh\nargs: [\"-c\", \"echo after > after.txt\"]\n");
  auto t0 = clock::now();
  auto r = run_integration_test(test_at(dir / "t"), settings_for(dir));
  CHECK(r.failures.empty());
  CHECK(clock::now() - t0 < 5s);
  CHECK(dir.read("t/after.txt") == "after\n");
  CHECK(dir.read("t/before.out.0.log").empty());
  pid_t pid = std::stoi(dir.read("t/before.pid"));
  CHECK(::kill(pid, 0) != 0);
}

TEST_CASE("a failed before step fails the test without running the main process") {
  test::temp_dir dir;
  dir.write("t/main.troy", "touch main-ran\n");
  dir.write("t/before.yaml", "- cmd: sh\n  args: [\"-c\", \"exit 1\"]\n  await:\n    status: [\"0\"]\n");
  dir.write("t/after.yaml", "- dir: .\n  cmd: touch\n  args: [after-ran]\n");
  auto r = run_integration_test(test_at(dir / "t"), settings_for(dir));
  CHECK(r.result == outcome::failed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].rfind("before step 0: status: expected 0", 0) == 0);
  CHECK(dir.read("t/main-ran").empty());
  CHECK(std::ifstream{dir / "t/after-ran"}.good());
}

TEST_CASE("the per-test timeout kills the main process group") {
  test::temp_dir dir;
  dir.write("t/main.troy", "sleep 30\n");
  auto t0 = clock::now();
  auto r = run_integration_test(test_at(dir / "t"), settings_for(dir, 1s));
  CHECK(clock::now() - t0 < 5s);
  CHECK(r.result == outcome::failed);
  CHECK(r.failures ==
        std::vector<std::string>{"timed out after 1 s; the test's process group was killed"});
}

TEST_CASE("bench tests collect the throughput lines their stdout prints") {
  test::temp_dir dir;
  dir.write("t/main.troy",
            "echo 'Throughput   (data): 10.5 MB/s'\necho other\necho 'Throughput (events): 2k/s'\n");
  auto r = run_integration_test(test_at(dir / "t", test_kind::bench), settings_for(dir));
  CHECK(r.result == outcome::passed);
  CHECK(r.throughput ==
        std::vector<std::string>{"Throughput   (data): 10.5 MB/s", "Throughput (events): 2k/s"});
}

TEST_CASE("command suites run each case with its env and status and expects") {
  test::temp_dir dir;
  dir.write("c/command.yml", R"(suites:
  - name: shell
    tags: [sh]
    cases:
      - name: greets
        command: sh -c "echo hello $WHO"
        env:
          WHO: world
        status: 0
        expects:
          - source: stdout
            contains: [hello world]
      - name: wrong status
        command: sh -c "exit 3"
        status: 0
        expects: []
      - name: skipped by tag
        command: "false"
        tags: [slow]
        expects: []
)");
  discovered_test t = test_at(dir / "c", test_kind::command);
  t.file = dir / "c/command.yml";
  auto rs = run_command_suites(t, settings_for(dir), tag_filter{{}, {"slow"}});
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].name == "t: shell/greets");
  CHECK(rs[0].failures.empty());
  CHECK(rs[0].result == outcome::passed);
  CHECK(rs[1].result == outcome::failed);
  CHECK(rs[1].failures == std::vector<std::string>{"expected exit status 0, got exit status 3"});
  CHECK(rs[2].result == outcome::skipped);
}

TEST_CASE("run_test_command ends with the summary line and fails when a test failed") {
  test::temp_dir dir;
  fake_tremor(dir);
  dir.write("suite/meta.yaml", R"({"kind": "Integration", "includes": "*"})");
  dir.write("suite/good/tags.yaml", "- good\n");
  dir.write("suite/good/main.troy", "exit 0\n");
  dir.write("suite/bad/tags.yaml", "- bad\n");
  dir.write("suite/bad/main.troy", "exit 1\n");
  auto self = dir / "bin/fake-tremor";
  std::string out;
  CHECK(run_captured({"integration", dir / "suite", "-o", dir / "report.json"}, self, out) == 1);
  CHECK(last_line(out) == "1 passed, 1 failed");
  CHECK(dir.read("report.json").find("\"failed\": 1") != std::string::npos);
  CHECK(run_captured({"integration", dir / "suite", "-e", "bad"}, self, out) == 0);
  CHECK(last_line(out) == "1 passed, 0 failed, 1 skipped");
  CHECK(run_captured({dir / "suite", "-i", "bad,good"}, self, out) == 1);
  CHECK(last_line(out) == "1 passed, 1 failed");
  CHECK(run_captured({"integration", dir / "empty"}, self, out) == 1);
  CHECK(run_captured({"nonsense", "a", "b"}, self, out) == 2);
}

TEST_CASE("all mode dispatches bench and command suites and reports them") {
  test::temp_dir dir;
  fake_tremor(dir);
  dir.write("tests/bench/meta.yaml", R"({"kind": "Bench", "includes": "*"})");
  dir.write("tests/bench/fast/tags.yaml", "- bench\n");
  dir.write("tests/bench/fast/main.troy", "echo 'Throughput (events): 1.0k events/s'\n");
  dir.write("tests/cli/meta.yaml", R"({"kind": "Command", "includes": "*"})");
  dir.write("tests/cli/command.yml", R"(suites:
  - name: s
    cases:
      - name: version
        command: tremor --version
        expects:
          - source: stdout
            contains: ["server run -n --debug-connectors"]
)");
  // The fake binary prints its arguments; `--version` makes it run nothing.
  dir.write("bin/fake-tremor", "#!/bin/sh\necho \"$@\"\n");
  auto self = dir / "bin/fake-tremor";
  std::string out;
  CHECK(run_captured({"all", dir / "tests", "-o", dir / "r.json"}, self, out) == 1);
  CHECK(out.find("1 command.yml") != std::string::npos);
  CHECK(last_line(out) == "1 passed, 1 failed");
  auto report = dir.read("r.json");
  CHECK(report.find("\"throughput\"") == std::string::npos);
  CHECK(report.find("cli/command.yml: s/version") != std::string::npos);
  CHECK(report.find("stdout does not contain") != std::string::npos);

  fake_tremor(dir);
  CHECK(run_captured({"bench", dir / "tests", "-o", dir / "r.json"}, self, out) == 0);
  CHECK(last_line(out) == "1 passed, 0 failed");
  CHECK(dir.read("r.json").find("Throughput (events): 1.0k events/s") != std::string::npos);
}

}
