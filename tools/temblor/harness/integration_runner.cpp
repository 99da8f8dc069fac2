#include "tools/temblor/harness/integration_runner.hpp"

#include <algorithm>
#include <csignal>
#include <thread>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include "tools/temblor/harness/assertions.hpp"
#include "tools/temblor/harness/await_conditions.hpp"
#include "tools/temblor/harness/child_process.hpp"
#include "tools/temblor/harness/command_line.hpp"
#include "tools/temblor/harness/step_spec.hpp"
#include "tools/temblor/harness/yaml_file.hpp"

namespace temblor::harness {

namespace fs = std::filesystem;

namespace {

using namespace std::chrono_literals;

// How long before-processes get between SIGTERM and SIGKILL at test end.
constexpr auto before_grace = 2000ms;
// After steps still run when the test timed out; this is their own bound.
constexpr auto after_minimum = 10s;

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

std::optional<std::string> slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string quote_command(const std::string& program, const std::vector<std::string>& args) {
  std::string out = program;
  for (size_t i = 1; i < args.size(); ++i)
    out += " " + args[i];
  return out;
}

// Loads before.yaml/after.yaml if present.
std::vector<step_spec> load_steps(const fs::path& file, std::string& error) {
  if (!path_exists(file))
    return {};
  auto node = load_yaml_file(file.string(), error);
  if (!node)
    return {};
  return parse_steps(*node, file.filename().string(), error);
}

// Spawns a before/after step; returns nullptr and sets `error` on failure.
std::unique_ptr<child_process> spawn_step(const step_spec& step, const std::string& kind,
                                          size_t index, const std::string& test_dir,
                                          const environment& test_env,
                                          const run_settings& settings, std::string& error) {
  auto dir = absolute_path(step.dir, test_dir);
  environment env = test_env;
  for (const auto& [k, v] : step.env)
    env.set(k, v);
  std::string program;
  if (names_this_binary(step.cmd)) {
    program = tremor_binary(env, settings.self_exe, test_dir);
  } else if (auto p = resolve_program(step.cmd, env, dir)) {
    program = *p;
  } else {
    error = kind + " step " + std::to_string(index) + ": command not found: " + step.cmd;
    return nullptr;
  }
  spawn_request req;
  req.program = program;
  // `tremor` stands for another binary: give it its real path as argv[0].
  req.argv.push_back(names_this_binary(step.cmd) ? program : step.cmd);
  for (const auto& a : step.args)
    req.argv.push_back(substitute_vars(a, env, dir));
  req.cwd = dir;
  req.env = env.to_strings();
  req.stdout_path = (fs::path{test_dir} / (kind + ".out." + std::to_string(index) + ".log")).string();
  req.stderr_path = (fs::path{test_dir} / (kind + ".err." + std::to_string(index) + ".log")).string();
  if (settings.verbose && settings.log)
    *settings.log << "    " << kind << " " << index << ": " << quote_command(program, req.argv)
                  << "  (in " << dir << ")\n";
  std::string spawn_error;
  auto child = child_process::spawn(req, spawn_error);
  if (!child)
    error = kind + " step " + std::to_string(index) + ": " + spawn_error;
  return child;
}

std::vector<std::string> troy_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it{dir, ec}; !ec && it != fs::directory_iterator{};
       it.increment(ec))
    if (it->path().extension() == ".troy" && it->is_regular_file(ec))
      out.push_back(it->path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> throughput_lines(const fs::path& log) {
  std::vector<std::string> out;
  auto text = slurp(log);
  if (!text)
    return out;
  for (auto& line : split_lines(*text)) {
    std::string l = line;
    std::transform(l.begin(), l.end(), l.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (l.find("throughput") != std::string::npos)
      out.push_back(line);
  }
  return out;
}

// SIGTERM to every group at once, then one shared grace period, then SIGKILL.
void stop_all(std::vector<std::unique_ptr<child_process>>& processes,
              std::chrono::milliseconds grace) {
  for (auto& p : processes)
    if (!p->poll())
      p->signal_group(SIGTERM);
  auto until = clock::now() + grace;
  while (clock::now() < until &&
         std::any_of(processes.begin(), processes.end(), [](auto& p) { return !p->poll(); }))
    std::this_thread::sleep_for(10ms);
  for (auto& p : processes)
    p->kill_group();
}

} // namespace

environment test_environment(const std::string& root, const std::string& test_dir,
                             std::string& error) {
  environment env = environment::from_current();
  if (!env.get("RUST_LOG"))
    env.set("RUST_LOG", "info");
  auto env_file = fs::path{test_dir} / "env.yaml";
  if (path_exists(env_file)) {
    std::string e;
    if (auto node = load_yaml_file(env_file.string(), e)) {
      for (const auto& [k, v] : scalar_map(*node, "env.yaml", e))
        env.set(k, v);
    }
    if (!e.empty())
      error = e;
  }
  std::string path = environment::from_current().get("TREMOR_PATH").value_or("");
  for (const auto& lib : {absolute_path("lib", root), absolute_path("lib", test_dir)}) {
    if (!path.empty())
      path += ":";
    path += lib;
  }
  env.set("TREMOR_PATH", path);
  return env;
}

namespace {

// One run of one test directory, phase by phase; every phase records its
// failures in `result` and says whether the test can go on.
class test_run {
public:
  test_run(const discovered_test& test, const run_settings& settings)
    : test_(test),
      settings_(settings),
      dir_(test.dir),
      started_(clock::now()),
      stop_(started_ + settings.timeout) {
    result.name = test.name;
    result.kind = to_string(test.kind);
    result.path = test.dir;
    result.tags = test.tags;
    result.stdout_log = (dir_ / "fg.out.log").string();
    result.stderr_log = (dir_ / "fg.err.log").string();
  }

  test_result run() {
    if (load()) {
      if (start_befores())
        run_main();
      // After steps run even when a before step failed or the test timed
      // out: they are what cleans up (killing servers by pid file and such).
      run_afters();
      if (main_finished_)
        check();
    }
    stop_all(befores_running_, before_grace);
    result.duration_s = std::chrono::duration<double>(clock::now() - started_).count();
    return std::move(result);
  }

  test_result result;

private:
  // -- reading the directory ------------------------------------------------

  bool load() {
    std::string error;
    env_ = test_environment(settings_.root, test_.dir, error);
    if (error.empty())
      befores_ = load_steps(dir_ / "before.yaml", error);
    if (error.empty())
      afters_ = load_steps(dir_ / "after.yaml", error);
    if (error.empty() && path_exists(dir_ / "assert.yaml")) {
      if (auto node = load_yaml_file((dir_ / "assert.yaml").string(), error))
        asserts_ = parse_assert_spec(*node, error);
    }
    if (!error.empty())
      result.fail(error);
    return error.empty();
  }

  // -- before steps ---------------------------------------------------------

  bool start_befores() {
    for (size_t i = 0; i < befores_.size(); ++i) {
      std::string error;
      auto child = spawn_step(befores_[i], "before", i, test_.dir, env_, settings_, error);
      if (!child) {
        result.fail(error);
        return false;
      }
      auto step_dir = absolute_path(befores_[i].dir, test_.dir);
      auto why = await_ready(befores_[i].await, *child, step_dir, stop_);
      befores_running_.push_back(std::move(child));
      if (!why.empty()) {
        result.fail("before step " + std::to_string(i) + ": " + why);
        return false;
      }
    }
    return true;
  }

  // -- the main process -----------------------------------------------------

  void run_main() {
    auto troys = troy_files(dir_);
    if (troys.empty()) {
      result.fail("no .troy files in " + test_.dir);
      return;
    }
    spawn_request req;
    req.program = tremor_binary(env_, settings_.self_exe, test_.dir);
    req.argv = {req.program, "server", "run", "-n", "--debug-connectors"};
    req.argv.insert(req.argv.end(), troys.begin(), troys.end());
    req.cwd = test_.dir;
    req.env = env_.to_strings();
    req.stdout_path = result.stdout_log;
    req.stderr_path = result.stderr_log;
    if (auto input = slurp(dir_ / "stdin")) {
      req.input = stdin_mode::data_pipe;
      req.stdin_data = std::move(*input);
    } else {
      // Tremor keeps stdin open: a stdio source never sees EOF.
      req.input = stdin_mode::open_pipe;
    }
    if (settings_.verbose && settings_.log)
      *settings_.log << "    main: " << quote_command(req.program, req.argv) << "\n";
    std::string error;
    auto main = child_process::spawn(req, error);
    if (!main) {
      result.fail("main process: " + error);
      return;
    }
    auto st = main->wait_until(stop_);
    if (!st) {
      main->stop_group(before_grace);
      result.fail(interrupted() ? std::string{"interrupted"}
                                : "timed out after " + std::to_string(settings_.timeout.count()) +
                                    " s; the test's process group was killed");
      return;
    }
    // Anything the main process left running in its group goes too.
    main->kill_group();
    main_finished_ = true;
    result.exit_description = st->describe();
    if (st->exited())
      result.exit_code = st->code;
  }

  // -- after steps ----------------------------------------------------------

  void run_afters() {
    const stop_condition after_stop{std::max(stop_.deadline(), clock::now() + after_minimum),
                                    false};
    for (size_t i = 0; i < afters_.size(); ++i) {
      std::string error;
      auto child = spawn_step(afters_[i], "after", i, test_.dir, env_, settings_, error);
      if (!child) {
        result.fail(error);
        continue;
      }
      auto st = child->wait_until(after_stop);
      child->kill_group();
      if (!st)
        result.fail("after step " + std::to_string(i) + " did not finish in time");
      else if (settings_.verbose && settings_.log)
        *settings_.log << "    after " << i << " ended with " << st->describe() << "\n";
    }
  }

  // -- assertions -----------------------------------------------------------

  void check() {
    int want = asserts_ ? asserts_->status : 0;
    ++result.checks;
    if (!result.exit_code || *result.exit_code != want)
      result.fail("expected exit status " + std::to_string(want) + ", got " +
                  result.exit_description);
    if (asserts_) {
      assert_context ctx{test_.dir, result.stdout_log, result.stderr_log};
      for (const auto& entry : asserts_->entries) {
        result.checks += entry.contains.size() + entry.doesnt_contain.size() +
                         (entry.equals_file ? 1 : 0) + (entry.equals_file_binary ? 1 : 0);
        for (auto& f : check_entry(entry, ctx))
          result.fail(std::move(f));
      }
    }
    if (test_.kind == test_kind::bench)
      result.throughput = throughput_lines(result.stdout_log);
  }

  const discovered_test& test_;
  const run_settings& settings_;
  const fs::path dir_;
  const clock::time_point started_;
  const stop_condition stop_;
  environment env_;
  std::vector<step_spec> befores_;
  std::vector<step_spec> afters_;
  std::optional<assert_spec> asserts_;
  std::vector<std::unique_ptr<child_process>> befores_running_;
  bool main_finished_ = false;
};

} // namespace

test_result run_integration_test(const discovered_test& test, const run_settings& settings) {
  return test_run{test, settings}.run();
}

} // namespace temblor::harness
