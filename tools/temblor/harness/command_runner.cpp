#include "tools/temblor/harness/command_runner.hpp"

#include <filesystem>
#include <ostream>

#include "tools/temblor/harness/assertions.hpp"
#include "tools/temblor/harness/child_process.hpp"
#include "tools/temblor/harness/command_line.hpp"
#include "tools/temblor/harness/integration_runner.hpp"
#include "tools/temblor/harness/yaml_file.hpp"

namespace temblor::harness {

namespace fs = std::filesystem;

namespace {

void add_unique(std::vector<std::string>& tags, const std::vector<std::string>& more) {
  for (const auto& t : more)
    if (std::find(tags.begin(), tags.end(), t) == tags.end())
      tags.push_back(t);
}

test_result run_case(const YAML::Node& c, const std::string& suite_name, size_t suite_index,
                     size_t case_index, const std::vector<std::string>& tags,
                     const discovered_test& test, const run_settings& settings) {
  test_result r;
  std::string e;
  auto case_name = c["name"] ? scalar_string(c["name"], "name", e)
                             : "case " + std::to_string(case_index);
  r.name = test.name + ": " + suite_name + "/" + case_name;
  r.kind = "command";
  r.path = test.file;
  r.tags = tags;
  const auto started = clock::now();
  auto finish = [&] {
    r.duration_s = std::chrono::duration<double>(clock::now() - started).count();
    return r;
  };
  auto command = c["command"] ? scalar_string(c["command"], "command", e) : std::string{};
  int want = c["status"] ? static_cast<int>(scalar_number(c["status"], "status", e)) : 0;
  auto case_env = scalar_map(c["env"], "env", e);
  auto expects = parse_assert_entries(c["expects"], e);
  if (!e.empty() || command.empty()) {
    r.fail(e.empty() ? std::string{"command is required"} : e);
    return finish();
  }
  auto words = split_words(command);
  if (!words || words->empty()) {
    r.fail("cannot split command: " + command);
    return finish();
  }
  std::string error;
  auto env = test_environment(settings.root, test.dir, error);
  for (const auto& [k, v] : case_env)
    env.set(k, v);
  std::string program;
  if (names_this_binary(words->front())) {
    program = tremor_binary(env, settings.self_exe, test.dir);
  } else if (auto p = resolve_program(words->front(), env, test.dir)) {
    program = *p;
  } else {
    r.fail("command not found: " + words->front());
    return finish();
  }
  auto stem = "command." + std::to_string(suite_index) + "." + std::to_string(case_index);
  spawn_request req;
  req.program = program;
  req.argv = *words;
  if (names_this_binary(words->front()))
    req.argv.front() = program;
  req.cwd = test.dir;
  req.env = env.to_strings();
  req.stdout_path = (fs::path{test.dir} / (stem + ".out.log")).string();
  req.stderr_path = (fs::path{test.dir} / (stem + ".err.log")).string();
  r.stdout_log = req.stdout_path;
  r.stderr_log = req.stderr_path;
  if (settings.verbose && settings.log)
    *settings.log << "    command: " << command << "\n";
  std::string spawn_error;
  auto child = child_process::spawn(req, spawn_error);
  if (!child) {
    r.fail(spawn_error);
    return finish();
  }
  auto st = child->wait_until(stop_condition{started + settings.timeout});
  if (!st) {
    child->stop_group(std::chrono::milliseconds{2000});
    r.fail(interrupted() ? std::string{"interrupted"}
                         : "timed out after " + std::to_string(settings.timeout.count()) + " s");
    return finish();
  }
  child->kill_group();
  r.exit_description = st->describe();
  if (st->exited())
    r.exit_code = st->code;
  ++r.checks;
  if (!r.exit_code || *r.exit_code != want)
    r.fail("expected exit status " + std::to_string(want) + ", got " + r.exit_description);
  assert_context ctx{test.dir, r.stdout_log, r.stderr_log};
  for (const auto& entry : expects) {
    r.checks += entry.contains.size() + entry.doesnt_contain.size() +
                (entry.equals_file ? 1 : 0) + (entry.equals_file_binary ? 1 : 0);
    for (auto& f : check_entry(entry, ctx))
      r.fail(std::move(f));
  }
  return finish();
}

} // namespace

std::vector<test_result> run_command_suites(const discovered_test& test,
                                            const run_settings& settings,
                                            const tag_filter& filter) {
  std::vector<test_result> results;
  auto broken = [&](const std::string& why) {
    test_result r;
    r.name = test.name;
    r.kind = "command";
    r.path = test.file;
    r.tags = test.tags;
    r.fail(why);
    results.push_back(std::move(r));
    return results;
  };
  std::string error;
  auto doc = load_yaml_file(test.file, error);
  if (!doc)
    return broken(error);
  if (!doc->IsMap() || !(*doc)["suites"] || !(*doc)["suites"].IsSequence())
    return broken(test.file + ": expected a map with a `suites` list");
  std::string e;
  auto file_tags = test.tags;
  add_unique(file_tags, scalar_list((*doc)["tags"], "tags", e));
  size_t suite_index = 0;
  for (const auto& suite : (*doc)["suites"]) {
    if (!suite.IsMap() || !suite["cases"] || !suite["cases"].IsSequence())
      return broken(test.file + ": suite " + std::to_string(suite_index) +
                    " needs a `cases` list");
    auto suite_name = suite["name"] ? scalar_string(suite["name"], "name", e)
                                    : "suite " + std::to_string(suite_index);
    auto suite_tags = file_tags;
    add_unique(suite_tags, scalar_list(suite["tags"], "tags", e));
    size_t case_index = 0;
    for (const auto& c : suite["cases"]) {
      auto tags = suite_tags;
      if (c.IsMap())
        add_unique(tags, scalar_list(c["tags"], "tags", e));
      if (!e.empty())
        return broken(test.file + ": " + e);
      auto decision = filter.check(tags);
      if (!decision.run) {
        test_result r;
        r.name = test.name + ": " + suite_name + "/" +
                 (c.IsMap() && c["name"] ? c["name"].Scalar() : std::to_string(case_index));
        r.kind = "command";
        r.path = test.file;
        r.tags = tags;
        r.result = outcome::skipped;
        r.skip_reason = decision.reason;
        results.push_back(std::move(r));
      } else if (!c.IsMap()) {
        return broken(test.file + ": case " + std::to_string(case_index) + " must be a map");
      } else {
        results.push_back(
          run_case(c, suite_name, suite_index, case_index, tags, test, settings));
      }
      ++case_index;
      if (interrupted())
        return results;
    }
    ++suite_index;
  }
  return results;
}

} // namespace temblor::harness
