// Runs one golden DSL case: loads <case>/input.troy and compares the
// deployment dump (mode `parser`) or the rendered diagnostics (mode
// `errors`) with <case>/expected.txt. `--update` rewrites expected.txt.
// A case may ship modules under <case>/lib (used as TREMOR_PATH).

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "dsl/deployment.hpp"
#include "dsl/dump.hpp"
#include "dsl/json_text.hpp"
#include "dsl/pipeline_runner.hpp"
#include "dsl/standalone.hpp"

namespace {

bool read(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

} // namespace

// Mode `query`: runs <case>/query.trickle (or script.tremor) over the JSON
// lines of <case>/in.json; prints `<port> <sorted json>` per output event and
// the rendered text of every runtime error.
std::string run_query_case(const std::string& dir, bool& ok) {
  temblor::dsl::diagnostics diags;
  temblor::dsl::load_options opts;
  struct stat st {};
  if (::stat((dir + "/lib").c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    opts.module_path.push_back(dir + "/lib");
  std::string text;
  std::shared_ptr<const temblor::dsl::pipeline_program> prog;
  if (read(dir + "/query.trickle", text))
    prog = temblor::dsl::load_query_source("query.trickle", text, opts, diags);
  else if (read(dir + "/script.tremor", text))
    prog = temblor::dsl::load_script_source("script.tremor", text, opts, diags);
  else
    return "no query.trickle or script.tremor\n";
  if (!prog) {
    ok = false;
    return "LOAD FAILED\n" + diags.render();
  }
  ok = true;
  auto runner = temblor::dsl::make_pipeline_runner(*prog);
  std::string input, out;
  read(dir + "/in.json", input);
  std::istringstream lines(input);
  std::string line;
  temblor::dsl::pipeline_output po;
  while (std::getline(lines, line)) {
    if (line.empty())
      continue;
    temblor::event ev;
    std::string err;
    if (!temblor::dsl::from_json(line, ev.payload, err))
      return "bad input line: " + line + ": " + err + "\n";
    ev.meta = temblor::value(temblor::record{});
    runner->process("in", std::move(ev), po);
  }
  runner->flush(po);
  for (const auto& e : po.events)
    out += e.port + " " + temblor::dsl::to_json(e.ev.payload, true) + "\n";
  for (const auto& e : po.errors)
    out += e;
  return out;
}

// Modes `parser` / `errors`: loads <case>/input.troy (modules from
// <case>/lib) and dumps the deployment or renders the diagnostics. Mode
// `errors` also takes <case>/input.trickle or <case>/input.tremor, so the
// syntax errors of queries and scripts are pinned the same way.
std::string run_troy_case(const std::string& dir, const std::string& mode, bool& ok) {
  temblor::dsl::load_options opts;
  struct stat st {};
  if (::stat((dir + "/lib").c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    opts.module_path.push_back(dir == "." ? std::string("lib") : dir + "/lib");
  std::string input;
  if (mode == "errors") {
    std::shared_ptr<const temblor::dsl::pipeline_program> prog;
    temblor::dsl::diagnostics diags;
    bool standalone = true;
    if (read(dir + "/input.trickle", input))
      prog = temblor::dsl::load_query_source("input.trickle", input, opts, diags);
    else if (read(dir + "/input.tremor", input))
      prog = temblor::dsl::load_script_source("input.tremor", input, opts, diags);
    else
      standalone = false;
    if (standalone) {
      ok = prog != nullptr;
      return ok ? std::string("LOAD SUCCEEDED\n") : diags.render();
    }
  }
  if (!read(dir + "/input.troy", input))
    return "cannot read input.troy\n";
  temblor::dsl::deployment dep;
  temblor::dsl::diagnostics diags;
  ok = temblor::dsl::load_troy_source("input.troy", input, opts, dep, diags);
  if (mode == "parser")
    return ok ? temblor::dsl::dump_deployment(dep) : "LOAD FAILED\n" + diags.render();
  return ok ? std::string("LOAD SUCCEEDED\n") : diags.render();
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: dsl_golden parser|errors|query CASE_DIR [--update]\n";
    return 2;
  }
  std::string mode = argv[1];
  std::string dir = argv[2];
  bool update = argc > 3 && std::string(argv[3]) == "--update";
  if (mode != "parser" && mode != "errors" && mode != "query") {
    std::cerr << "unknown mode " << mode << "\n";
    return 2;
  }
  // Run inside the case folder so module file names in rendered errors
  // (`lib/a/b.tremor:3:1`) do not depend on where the checkout lives.
  const std::string case_dir = dir;
  if (::chdir(dir.c_str()) == 0)
    dir = ".";
  std::string expected_path = dir + "/expected.txt";
  bool ok = false;
  std::string actual = mode == "query" ? run_query_case(dir, ok) : run_troy_case(dir, mode, ok);
  if (update) {
    std::ofstream(expected_path, std::ios::binary) << actual;
    std::cout << "updated " << expected_path << "\n";
    return 0;
  }
  std::string expected;
  if (!read(expected_path, expected)) {
    std::cerr << "missing " << expected_path << " (run with --update)\n--- actual ---\n" << actual;
    return 1;
  }
  if (expected != actual) {
    std::cerr << "mismatch in " << case_dir << "\n--- expected ---\n"
              << expected << "--- actual ---\n"
              << actual;
    return 1;
  }
  if (mode == "errors" && ok) {
    std::cerr << "error case loaded without errors\n";
    return 1;
  }
  return 0;
}
