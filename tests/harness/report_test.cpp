#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "tools/temblor/harness/report.hpp"

using namespace temblor::harness;

namespace {

test_result result(std::string name, outcome o) {
  test_result r;
  r.name = std::move(name);
  r.kind = "integration";
  r.result = o;
  return r;
}

} // namespace

TEST_SUITE("harness.report") {

TEST_CASE("the summary line mentions skipped tests only when there are some") {
  CHECK(summary_line({3, 0, 0}) == "3 passed, 0 failed");
  CHECK(summary_line({3, 1, 2}) == "3 passed, 1 failed, 2 skipped");
}

TEST_CASE("the JSON report holds every test with its outcome and failures and throughput") {
  auto failed = result("b", outcome::failed);
  failed.failures = {"stdout does not contain \"x\""};
  failed.exit_code = 1;
  failed.exit_description = "exit status 1";
  auto bench = result("c", outcome::passed);
  bench.kind = "bench";
  bench.throughput = {"Throughput   (data): 12.3 MB/s"};
  auto skipped = result("d", outcome::skipped);
  skipped.skip_reason = "excluded by tag ws";
  std::vector<test_result> rs{result("a", outcome::passed), failed, bench, skipped};

  auto text = json_report("all", "/repo/tests", rs, 1.5);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(std::string{doc["mode"].GetString()} == "all");
  CHECK(doc["summary"]["passed"].GetUint() == 2);
  CHECK(doc["summary"]["failed"].GetUint() == 1);
  CHECK(doc["summary"]["skipped"].GetUint() == 1);
  const auto& tests = doc["tests"];
  REQUIRE(tests.Size() == 4);
  CHECK(std::string{tests[1]["result"].GetString()} == "failed");
  CHECK(tests[1]["exit_code"].GetInt() == 1);
  CHECK(std::string{tests[1]["failures"][0].GetString()} == "stdout does not contain \"x\"");
  CHECK(std::string{tests[2]["throughput"][0].GetString()} == "Throughput   (data): 12.3 MB/s");
  CHECK(std::string{tests[3]["skip_reason"].GetString()} == "excluded by tag ws");
  CHECK_FALSE(tests[0].HasMember("exit_code"));
}

}
