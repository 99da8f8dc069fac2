#include "tools/temblor/harness/test_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "tools/temblor/harness/assertions.hpp"
#include "tools/temblor/harness/command_line.hpp"
#include "tools/temblor/harness/command_runner.hpp"
#include "tools/temblor/harness/discovery.hpp"
#include "tools/temblor/harness/environment.hpp"
#include "tools/temblor/harness/integration_runner.hpp"
#include "tools/temblor/harness/report.hpp"
#include "tools/temblor/harness/stop_condition.hpp"
#include "tools/temblor/harness/tag_filter.hpp"
#include "tools/temblor/harness/unit_runner.hpp"

namespace temblor::harness {

namespace fs = std::filesystem;

namespace {

struct test_options {
  std::vector<std::string> positionals;
  std::vector<std::string> includes;
  std::vector<std::string> excludes;
  unsigned timeout_s = 120;
  std::string report;
  bool verbose = false;
};

std::string format_seconds(double s) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(2);
  out << s << " s";
  return out.str();
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : sep) + s;
  return out;
}

// The last `n` lines of a log, for a failed test's context.
std::vector<std::string> tail(const std::string& path, size_t n) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return {};
  std::stringstream buf;
  buf << in.rdbuf();
  auto lines = split_lines(buf.str());
  if (lines.size() > n)
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(n));
  return lines;
}

void print_result(std::ostream& out, const test_result& r, bool verbose) {
  const char* word = r.result == outcome::passed   ? "PASS"
                     : r.result == outcome::failed ? "FAIL"
                                                   : "SKIP";
  if (r.result == outcome::skipped) {
    if (verbose)
      out << "  " << word << "  " << r.kind << "  " << r.name << "  (" << r.skip_reason
          << ")\n";
    return;
  }
  out << "  " << word << "  " << r.kind << "  " << r.name << "  (" << format_seconds(r.duration_s)
      << ")\n";
  for (const auto& line : r.throughput)
    out << "        " << line << "\n";
  if (r.result != outcome::failed && !verbose)
    return;
  for (const auto& f : r.failures)
    out << "        - " << f << "\n";
  auto show = [&](const std::string& label, const std::string& path, size_t n) {
    auto lines = tail(path, n);
    if (lines.empty())
      return;
    out << "        --- " << label << " (last " << lines.size() << " lines of " << path
        << ") ---\n";
    for (const auto& l : lines)
      out << "        | " << l << "\n";
  };
  if (r.result == outcome::failed || verbose) {
    if (verbose)
      show("stdout", r.stdout_log, 20);
    show("stderr", r.stderr_log, verbose ? 40 : 15);
  }
}

std::string absolute_self(const std::string& self_exe) {
  std::string cwd = fs::current_path().string();
  if (self_exe.find('/') == std::string::npos) {
    if (auto p = resolve_program(self_exe, environment::from_current(), cwd))
      return *p;
  }
  std::error_code ec;
  auto canonical = fs::weakly_canonical(absolute_path(self_exe, cwd), ec);
  return ec ? absolute_path(self_exe, cwd) : canonical.string();
}

} // namespace

int run_test_command(const std::vector<std::string>& args, const std::string& self_exe) {
  test_options opt;
  CLI::App app{"Runs Tremor-format test directories: meta.yaml suites of integration, bench "
               "and command tests.",
               "temblor test"};
  app.add_option("mode_and_path", opt.positionals,
                 "[all|integration|bench|command|unit] [PATH] (PATH defaults to tests)")
    ->expected(0, 2);
  app.add_option("-i,--includes", opt.includes, "Run only tests with one of these tags")
    ->delimiter(',');
  app.add_option("-e,--excludes", opt.excludes, "Skip tests with one of these tags")
    ->delimiter(',');
  app.add_option("-t,--timeout", opt.timeout_s, "Seconds each test may run (default 120)");
  app.add_option("-o,--report", opt.report, "Write a JSON report to this file");
  app.add_flag("-v,--verbose", opt.verbose, "Show commands, logs and skipped tests");

  std::vector<std::string> argv_store{"temblor test"};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const auto& a : argv_store)
    argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  test_kind mode = test_kind::all;
  std::string path = "tests";
  auto& pos = opt.positionals;
  if (!pos.empty()) {
    if (auto k = parse_test_kind(pos[0])) {
      mode = *k;
      if (pos.size() > 1)
        path = pos[1];
    } else if (pos.size() == 1) {
      path = pos[0];
    } else {
      std::cerr << "temblor test: unknown mode `" << pos[0]
                << "` (expected all, integration, bench, command or unit)\n";
      return 2;
    }
  }
  if (opt.timeout_s == 0) {
    std::cerr << "temblor test: --timeout must be at least 1 second\n";
    return 2;
  }

  interrupt_guard guard;
  auto& out = std::cout;
  const auto run_started = clock::now();
  std::string cwd = fs::current_path().string();
  run_settings settings;
  settings.root = absolute_path(path, cwd);
  settings.self_exe = absolute_self(self_exe);
  settings.timeout = std::chrono::seconds{opt.timeout_s};
  settings.verbose = opt.verbose;
  settings.log = &out;
  tag_filter filter{opt.includes, opt.excludes};

  auto found = discover_tests(settings.root, mode);
  std::vector<test_result> results;
  for (const auto& e : found.errors) {
    test_result r;
    r.name = e;
    r.kind = "discovery";
    r.path = settings.root;
    r.fail(e);
    results.push_back(std::move(r));
  }
  size_t suites = std::count_if(found.tests.begin(), found.tests.end(),
                                [](const discovered_test& t) { return t.kind == test_kind::command; });
  size_t dirs = found.tests.size() - suites;
  out << "temblor test " << to_string(mode) << " " << path << ": " << dirs
      << (dirs == 1 ? " test" : " tests");
  if (suites > 0)
    out << ", " << suites << " command.yml";
  out << (found.single ? " (single directory)" : "") << "\n";
  for (const auto& r : results)
    out << "  FAIL  " << r.kind << "  " << r.name << "\n";
  out.flush();

  for (const auto& t : found.tests) {
    if (interrupted())
      break;
    if (t.kind == test_kind::command || t.kind == test_kind::unit) {
      if (opt.verbose)
        out << "  ==  " << to_string(t.kind) << "  " << t.name << "\n";
      auto rs = t.kind == test_kind::command ? run_command_suites(t, settings, filter)
                                             : run_unit_suite(t, settings, filter);
      for (auto& r : rs) {
        print_result(out, r, opt.verbose);
        out.flush();
        results.push_back(std::move(r));
      }
      continue;
    }
    test_result r;
    auto decision = filter.check(t.tags);
    if (!decision.run) {
      r.name = t.name;
      r.kind = to_string(t.kind);
      r.path = t.dir;
      r.tags = t.tags;
      r.result = outcome::skipped;
      r.skip_reason = decision.reason;
    } else {
      if (opt.verbose)
        out << "  ==  " << to_string(t.kind) << "  " << t.name << "  [" << join(t.tags, ", ")
            << "]\n";
      r = run_integration_test(t, settings);
    }
    print_result(out, r, opt.verbose);
    out.flush();
    results.push_back(std::move(r));
  }

  double total_s = std::chrono::duration<double>(clock::now() - run_started).count();
  if (!opt.report.empty()) {
    std::string error;
    if (!write_json_report(absolute_path(opt.report, cwd), to_string(mode), settings.root,
                           results, total_s, error))
      std::cerr << "temblor test: " << error << "\n";
  }
  auto s = summarize(results);
  if (results.empty())
    out << "no tests found under " << path << "\n";
  if (interrupted())
    out << "interrupted\n";
  out << summary_line(s) << "\n";
  out.flush();
  if (interrupted())
    return 130;
  return s.failed > 0 || results.empty() ? 1 : 0;
}

} // namespace temblor::harness
