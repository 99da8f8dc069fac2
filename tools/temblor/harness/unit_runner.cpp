#include "tools/temblor/harness/unit_runner.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "tools/temblor/harness/child_process.hpp"
#include "tools/temblor/harness/integration_runner.hpp"

namespace temblor::harness {

namespace fs = std::filesystem;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

test_result file_result(const discovered_test& test) {
  test_result r;
  r.name = test.name;
  r.kind = "unit";
  r.path = test.file;
  r.tags = test.tags;
  return r;
}

} // namespace

std::vector<test_result> unit_results_from_lines(const discovered_test& test,
                                                 const std::string& out, const tag_filter& filter) {
  std::vector<test_result> results;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty())
      continue;
    YAML::Node n;
    try {
      n = YAML::Load(line); // JSON is YAML
    } catch (const std::exception&) {
      continue; // not ours (a stray print)
    }
    if (!n.IsMap())
      continue;
    if (n["error"]) {
      auto r = file_result(test);
      r.fail(n["error"].as<std::string>());
      results.push_back(std::move(r));
      continue;
    }
    test_result r;
    r.kind = "unit";
    r.path = test.file;
    std::string suite = n["suite"] ? n["suite"].as<std::string>() : "";
    r.name = (test.name.empty() ? "" : test.name + ": ") + suite + "/" +
             (n["name"] ? n["name"].as<std::string>() : "");
    r.tags = test.tags;
    if (n["tags"] && n["tags"].IsSequence())
      for (const auto& t : n["tags"])
        r.tags.push_back(t.as<std::string>());
    auto decision = filter.check(r.tags);
    r.checks = 1;
    if (!decision.run) {
      r.result = outcome::skipped;
      r.skip_reason = decision.reason;
    } else if (!(n["passed"] && n["passed"].as<bool>())) {
      r.fail(n["detail"] ? n["detail"].as<std::string>() : "failed");
    }
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<test_result> run_unit_suite(const discovered_test& test, const run_settings& settings,
                                        const tag_filter& filter) {
  auto started = clock::now();
  std::string error;
  environment env = test_environment(settings.root, test.dir, error);
  auto failed = [&](const std::string& why) {
    auto r = file_result(test);
    r.fail(why);
    return std::vector<test_result>{std::move(r)};
  };
  if (!error.empty())
    return failed(error);
  // The suite runs in temblor itself, whatever `tremor` means for the
  // integration tests (TREMOR_BIN).
  spawn_request req;
  req.program = settings.self_exe;
  req.argv = {req.program, "unit-suite", test.file};
  req.cwd = test.dir;
  req.env = env.to_strings();
  req.stdout_path = (fs::path{test.dir} / "unit.out.log").string();
  req.stderr_path = (fs::path{test.dir} / "unit.err.log").string();
  if (settings.log && settings.verbose)
    *settings.log << "    unit: " << req.program << " unit-suite " << test.file << "\n";
  auto child = child_process::spawn(req, error);
  if (!child)
    return failed("unit suite: " + error);
  auto st = child->wait_until(stop_condition{started + settings.timeout});
  if (!st) {
    child->stop_group(std::chrono::milliseconds{500});
    return failed("timed out after " + std::to_string(settings.timeout.count()) + " s");
  }
  auto results = unit_results_from_lines(test, read_all(req.stdout_path), filter);
  if (results.empty() && !(st->exited() && st->code == 0)) {
    auto r = file_result(test);
    r.fail("the suite ended with " + st->describe() + " and reported nothing");
    r.stderr_log = req.stderr_path;
    results.push_back(std::move(r));
  }
  double per_case = std::chrono::duration<double>(clock::now() - started).count() /
                    static_cast<double>(results.empty() ? 1 : results.size());
  for (auto& r : results)
    r.duration_s = per_case;
  return results;
}

} // namespace temblor::harness
