// Tremor-style unit suite files (std::test), run the way `temblor unit-suite`
// runs them for `temblor test unit`.

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "dsl/unit_suite.hpp"
#include "dsl_test_support.hpp"

using namespace temblor;
using namespace temblor::dsl;

namespace {

unit_suite_result run_suite(const std::string& text) {
  std::string path = "/tmp/temblor_unit_suite_" + std::to_string(::getpid()) + ".tremor";
  {
    std::ofstream f(path);
    f << text;
  }
  auto r = run_unit_suite_file(path, load_options{});
  std::remove(path.c_str());
  return r;
}

} // namespace

TEST_SUITE("dsl.unit_suite") {

TEST_CASE("every test::suite of a file reports its cases, with tags and why one failed") {
  auto r = run_suite(R"(
    use std::test;
    test::suite({"name": "a", "tags": ["x"], "tests": [
      test::test({"name": "ok", "tags": ["y"], "test": test::assert("sum", 2, 1 + 1)}),
      test::test({"name": "bad", "test": test::assert("sum", 3, 1 + 1)}),
      test::test({"name": "not true", "test": "yes"})
    ]});
    test::suite({"name": "b", "tests": [test::test({"name": "plain", "test": true})]})
  )");
  CHECK(r.error.empty());
  REQUIRE(r.cases.size() == 4);
  CHECK(r.cases[0].suite == "a");
  CHECK(r.cases[0].passed);
  CHECK(r.cases[0].tags == std::vector<std::string>{"x", "y"});
  CHECK_FALSE(r.cases[1].passed);
  CHECK(r.cases[1].detail == "assertion sum failed: expected 3, got 2");
  CHECK_FALSE(r.cases[2].passed);
  CHECK(r.cases[2].detail == R"(the test gave "yes" instead of true)");
  CHECK(r.cases[3].suite == "b");
  CHECK(r.cases[3].passed);
  CHECK(unit_suite_json_lines(r).find(R"({"detail":"assertion sum failed: expected 3, got 2","name":"bad","passed":false,"suite":"a","tags":["x"]})") != std::string::npos);
}

TEST_CASE("a suite file that stops on an error keeps the suites before it and says why") {
  auto r = run_suite(R"(
    use std::test;
    test::suite({"name": "first", "tests": [test::test({"name": "ok", "test": true})]});
    test::suite({"name": "second", "tests": [test::test({"name": "boom", "test": [event][3]})]})
  )");
  REQUIRE(r.cases.size() == 1);
  CHECK(r.cases[0].suite == "first");
  CHECK(r.error.find("Array index out of bounds, got index 3") != std::string::npos);
}

TEST_CASE("test::suite and test::test reject records without their fields") {
  auto r = run_suite("use std::test; test::suite({\"tests\": []})");
  CHECK(r.error.find("test::suite needs a record with a string `name`") != std::string::npos);
  r = run_suite("use std::test; test::test({\"name\": \"x\"})");
  CHECK(r.error.find("test::test needs a record with a string `name` and a `test`") !=
        std::string::npos);
}

TEST_CASE("a suite file that does not load reports the load error") {
  auto r = run_suite("use std::test; test::suite(");
  CHECK(r.cases.empty());
  CHECK_FALSE(r.error.empty());
}

}
