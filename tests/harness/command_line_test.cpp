#include <doctest/doctest.h>

#include <sys/stat.h>

#include "tests/harness/temp_dir.hpp"
#include "tools/temblor/harness/command_line.hpp"
#include "tools/temblor/harness/environment.hpp"
#include "tools/temblor/harness/integration_runner.hpp"

using namespace temblor::harness;

TEST_SUITE("harness.args") {

TEST_CASE("$VAR and ${VAR} take the environment's value and $PWD the step's directory") {
  environment env;
  env.set("HOST", "localhost");
  env.set("PORT", "4242");
  env.set("PWD", "/not/this/one");
  CHECK(substitute_vars("$HOST:$PORT", env, "/t") == "localhost:4242");
  CHECK(substitute_vars("${HOST}x", env, "/t") == "localhostx");
  CHECK(substitute_vars("$PWD/before.pid", env, "/tests/ws") == "/tests/ws/before.pid");
  CHECK(substitute_vars("${PWD}", env, "/tests/ws") == "/tests/ws");
}

TEST_CASE("unknown names and lone dollars and positional parameters stay as written") {
  environment env;
  env.set("A", "1");
  CHECK(substitute_vars("$MISSING", env, "/") == "$MISSING");
  CHECK(substitute_vars("cost: $", env, "/") == "cost: $");
  CHECK(substitute_vars("echo \"$1 $@\"", env, "/") == "echo \"$1 $@\"");
  CHECK(substitute_vars("${A", env, "/") == "${A");
  CHECK(substitute_vars("$AB", env, "/") == "$AB");
}

TEST_CASE("absolute paths are normalised without a trailing slash") {
  CHECK(absolute_path(".", "/tests/ws") == "/tests/ws");
  CHECK(absolute_path("./before/../lib/", "/tests/ws") == "/tests/ws/lib");
  CHECK(absolute_path("/abs/x", "/tests") == "/abs/x");
  CHECK(absolute_path("", "/tests") == "/tests");
  CHECK(absolute_path("/", "/tests") == "/");
}

TEST_CASE("split_words honours quotes and backslashes") {
  auto w = split_words(R"(tremor dbg   ast "a b.tremor" 'it''s' x\ y)");
  REQUIRE(w);
  CHECK(*w == std::vector<std::string>{"tremor", "dbg", "ast", "a b.tremor", "its", "x y"});
  CHECK_FALSE(split_words("echo \"unclosed"));
  CHECK(split_words("   ")->empty());
}

TEST_CASE("tremor in a test means TREMOR_BIN when set and else the running binary") {
  environment env;
  CHECK(tremor_binary(env, "/usr/bin/temblor", "/t") == "/usr/bin/temblor");
  env.set("TREMOR_BIN", "../fake.sh");
  CHECK(tremor_binary(env, "/usr/bin/temblor", "/tests/x") == "/tests/fake.sh");
  env.set("TREMOR_BIN", "/opt/tremor");
  CHECK(tremor_binary(env, "/usr/bin/temblor", "/tests/x") == "/opt/tremor");
  CHECK(names_this_binary("tremor"));
  CHECK(names_this_binary("temblor"));
  CHECK_FALSE(names_this_binary("./tremor"));
}

TEST_CASE("a bare command is searched on PATH and then next to the test") {
  test::temp_dir dir;
  auto tool = dir.write("bin/mytool", "#!/bin/sh\n");
  ::chmod(tool.c_str(), 0755);
  auto local = dir.write("t/helper.sh", "echo hi\n");
  environment env;
  env.set("PATH", dir / "bin");
  CHECK(resolve_program("mytool", env, dir / "t") == std::optional<std::string>{tool});
  CHECK(resolve_program("helper.sh", env, dir / "t") == std::optional<std::string>{local});
  CHECK(resolve_program("./helper.sh", env, dir / "t") == std::optional<std::string>{local});
  CHECK_FALSE(resolve_program("nothing-here", env, dir / "t"));
}

TEST_CASE("a test's environment layers env.yaml and then extends TREMOR_PATH last") {
  test::temp_dir dir;
  dir.write("suite/t1/env.yaml", "FROM_ENV_YAML: yes\nTREMOR_PATH: /ignored\nRUST_LOG: debug\n");
  ::setenv("TREMOR_PATH", "/opt/lib", 1);
  std::string error;
  auto env = test_environment(dir / "suite", dir / "suite/t1", error);
  ::unsetenv("TREMOR_PATH");
  CHECK(error.empty());
  CHECK(env.get("FROM_ENV_YAML") == std::optional<std::string>{"yes"});
  CHECK(env.get("RUST_LOG") == std::optional<std::string>{"debug"});
  CHECK(env.get("TREMOR_PATH") ==
        std::optional<std::string>{"/opt/lib:" + (dir / "suite/lib") + ":" + (dir / "suite/t1/lib")});
  CHECK(env.get("PATH").has_value());

  auto plain = test_environment(dir / "suite", dir / "suite/t2", error);
  CHECK(plain.get("TREMOR_PATH") ==
        std::optional<std::string>{(dir / "suite/lib") + ":" + (dir / "suite/t2/lib")});
  CHECK(plain.get("RUST_LOG").has_value());
}

}
