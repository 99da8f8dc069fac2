// Runs one golden DSL case: loads <case>/input.troy and compares the
// deployment dump (mode `parser`) or the rendered diagnostics (mode
// `errors`) with <case>/expected.txt. `--update` rewrites expected.txt.
// A case may ship modules under <case>/lib (used as TREMOR_PATH).

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/stat.h>

#include "dsl/deployment.hpp"
#include "dsl/dump.hpp"

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

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: dsl_golden parser|errors CASE_DIR [--update]\n";
    return 2;
  }
  std::string mode = argv[1];
  std::string dir = argv[2];
  bool update = argc > 3 && std::string(argv[3]) == "--update";
  std::string input;
  if (!read(dir + "/input.troy", input)) {
    std::cerr << "cannot read " << dir << "/input.troy\n";
    return 2;
  }
  temblor::dsl::load_options opts;
  struct stat st {};
  if (::stat((dir + "/lib").c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    opts.module_path.push_back(dir + "/lib");
  temblor::dsl::deployment dep;
  temblor::dsl::diagnostics diags;
  bool ok = temblor::dsl::load_troy_source("input.troy", input, opts, dep, diags);
  std::string actual;
  if (mode == "parser") {
    actual = ok ? temblor::dsl::dump_deployment(dep) : "LOAD FAILED\n" + diags.render();
  } else if (mode == "errors") {
    actual = ok ? std::string("LOAD SUCCEEDED\n") : diags.render();
  } else {
    std::cerr << "unknown mode " << mode << "\n";
    return 2;
  }
  std::string expected_path = dir + "/expected.txt";
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
    std::cerr << "mismatch in " << dir << "\n--- expected ---\n"
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
