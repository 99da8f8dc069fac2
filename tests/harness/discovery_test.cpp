#include <doctest/doctest.h>

#include <algorithm>

#include "tests/harness/temp_dir.hpp"
#include "tools/temblor/harness/discovery.hpp"
#include "tools/temblor/harness/glob.hpp"
#include "tools/temblor/harness/tag_filter.hpp"

using namespace temblor::harness;

namespace {

std::vector<std::string> names(const discovery& d) {
  std::vector<std::string> out;
  for (const auto& t : d.tests)
    out.push_back(t.name);
  return out;
}

const discovered_test* find(const discovery& d, const std::string& name) {
  auto it = std::find_if(d.tests.begin(), d.tests.end(),
                         [&](const discovered_test& t) { return t.name == name; });
  return it == d.tests.end() ? nullptr : &*it;
}

// tests/{meta.yaml,tags.yaml}, integration tests a and b, a directory without
// tags.yaml, a lib/ directory, and a bench suite.
void tremor_layout(const test::temp_dir& dir) {
  dir.write("tests/tags.yaml", "- everything\n");
  dir.write("tests/integration/meta.yaml", R"({"kind": "Integration", "includes": "*"})");
  dir.write("tests/integration/tags.yaml", "[\"integration-suite\"]\n");
  dir.write("tests/integration/file_read/tags.yaml", "- file\n- json\n");
  dir.write("tests/integration/file_read/config.troy", "");
  dir.write("tests/integration/ws_echo/tags.yaml", "- ws\n- json\n");
  dir.write("tests/integration/ws_echo/before/server.troy", "");
  dir.write("tests/integration/not_a_test/config.troy", "");
  dir.write("tests/integration/lib/helpers.tremor", "");
  dir.write("tests/bench/meta.yaml", "kind: Bench\nincludes:\n  - \"*\"\n");
  dir.write("tests/bench/passthrough/tags.yaml", "- bench\n");
  dir.write("tests/command/meta.yaml", R"({"kind": "Command", "includes": "*"})");
  dir.write("tests/command/cli/command.yml", "suites: []\n");
}

} // namespace

TEST_SUITE("harness.discovery") {

TEST_CASE("glob patterns match relative directory paths segment by segment") {
  CHECK(glob_match("*", "file_read"));
  CHECK_FALSE(glob_match("*", "ws/echo"));
  CHECK(glob_match("ws*", "ws_echo"));
  CHECK_FALSE(glob_match("ws*", "file_ws"));
  CHECK(glob_match("**", "a/b/c"));
  CHECK(glob_match("**/echo", "echo"));
  CHECK(glob_match("**/echo", "ws/tls/echo"));
  CHECK(glob_match("?s_*", "ws_server"));
  CHECK(glob_match("[fw]*", "file"));
  CHECK_FALSE(glob_match("[!fw]*", "file"));
  CHECK(glob_match("suite/*", "suite/x"));
}

TEST_CASE("every meta.yaml of the mode is found and only directories with tags.yaml are tests") {
  test::temp_dir dir;
  tremor_layout(dir);
  auto d = discover_tests(dir / "tests", test_kind::integration);
  CHECK(d.errors.empty());
  CHECK_FALSE(d.single);
  CHECK(names(d) == std::vector<std::string>{"integration/file_read", "integration/ws_echo"});
  REQUIRE(d.tests.size() == 2);
  CHECK(d.tests[0].kind == test_kind::integration);
  CHECK(d.tests[0].dir == dir / "tests/integration/file_read");
}

TEST_CASE("all mode runs every kind while a mode runs only its meta.yaml kind") {
  test::temp_dir dir;
  tremor_layout(dir);
  auto all = discover_tests(dir / "tests", test_kind::all);
  CHECK(names(all) == std::vector<std::string>{"bench/passthrough", "command/cli/command.yml",
                                               "integration/file_read", "integration/ws_echo"});
  auto bench = discover_tests(dir / "tests", test_kind::bench);
  CHECK(names(bench) == std::vector<std::string>{"bench/passthrough"});
  auto command = discover_tests(dir / "tests", test_kind::command);
  REQUIRE(command.tests.size() == 1);
  CHECK(command.tests[0].file == dir / "tests/command/cli/command.yml");
}

TEST_CASE("tags are inherited from every tags.yaml above the test plus its directory name") {
  test::temp_dir dir;
  tremor_layout(dir);
  auto d = discover_tests(dir / "tests", test_kind::integration);
  auto t = find(d, "integration/ws_echo");
  REQUIRE(t);
  CHECK(t->tags ==
        std::vector<std::string>{"everything", "integration-suite", "ws", "json", "ws_echo"});
}

TEST_CASE("includes narrows which sub-directories are tests") {
  test::temp_dir dir;
  tremor_layout(dir);
  dir.write("tests/integration/meta.yaml", R"({"kind": "Integration", "includes": ["ws*"]})");
  auto d = discover_tests(dir / "tests/integration", test_kind::integration);
  CHECK(names(d) == std::vector<std::string>{"ws_echo"});
}

TEST_CASE("a path without meta.yaml but with .troy files is one test") {
  test::temp_dir dir;
  tremor_layout(dir);
  auto d = discover_tests(dir / "tests/integration/file_read", test_kind::integration);
  CHECK(d.single);
  REQUIRE(d.tests.size() == 1);
  CHECK(d.tests[0].name == "file_read");
  CHECK(d.tests[0].tags == std::vector<std::string>{"file", "json", "file_read"});
  auto as_all = discover_tests(dir / "tests/integration/file_read/", test_kind::all);
  REQUIRE(as_all.tests.size() == 1);
  CHECK(as_all.tests[0].kind == test_kind::integration);
  auto bench = discover_tests(dir / "tests/integration/file_read", test_kind::bench);
  REQUIRE(bench.tests.size() == 1);
  CHECK(bench.tests[0].kind == test_kind::bench);
}

TEST_CASE("a malformed meta.yaml or an unknown kind is reported") {
  test::temp_dir dir;
  dir.write("t/meta.yaml", "{\"kind\": ");
  dir.write("u/meta.yaml", R"({"kind": "Fuzz"})");
  auto d = discover_tests(dir.path(), test_kind::all);
  CHECK(d.tests.empty());
  REQUIRE(d.errors.size() == 2);
  CHECK(d.errors[0].find("t/meta.yaml") != std::string::npos);
  CHECK(d.errors[1].find("unknown kind `Fuzz`") != std::string::npos);
  auto missing = discover_tests(dir / "nope", test_kind::all);
  REQUIRE(missing.errors.size() == 1);
}

TEST_CASE("no -i or -e runs everything while -e skips and -i runs only matching tests") {
  std::vector<std::string> ws{"integration", "ws", "ws_echo"};
  std::vector<std::string> file{"integration", "file", "file_read"};
  tag_filter none;
  CHECK(none.check(ws).run);
  tag_filter exclude{{}, {"ws"}};
  CHECK_FALSE(exclude.check(ws).run);
  CHECK(exclude.check(ws).reason == "excluded by tag ws");
  CHECK(exclude.check(file).run);
  tag_filter include{{"file_read"}, {}};
  CHECK(include.check(file).run);
  CHECK_FALSE(include.check(ws).run);
  CHECK(include.check(ws).reason == "no included tag");
  tag_filter both{{"integration"}, {"ws"}};
  CHECK(both.check(file).run);
  CHECK_FALSE(both.check(ws).run);
}

}
