#pragma once

// Runs a Tremor-style unit test suite file (`all.tremor`): a script whose
// top-level `test::suite({...})` calls declare suites of
// `test::test({"name": …, "test": <value>})` cases. A case passes when its
// `test` value is `true`; `test::assert(desc, expected, got)` gives true, or
// a record describing the mismatch. `temblor test unit` runs each file in a
// child process (`temblor unit-suite FILE`) and reads what this prints.

#include <string>
#include <vector>

#include "dsl/deployment.hpp"
#include "runtime/core/value.hpp"

namespace temblor::dsl {

struct unit_case_result {
  std::string suite;
  std::string name;
  std::vector<std::string> tags; ///< the suite's tags, then the case's
  bool passed = false;
  std::string detail; ///< why it failed
};

struct unit_suite_result {
  std::vector<unit_case_result> cases;
  /// A load or runtime error that stopped the file (the cases of suites
  /// declared before it are still reported).
  std::string error;
};

/// Loads and runs the suite file at `path`.
unit_suite_result run_unit_suite_file(const std::string& path, const load_options& options);

/// Renders one JSON object per line: every case, then `{"error": …}` if any.
std::string unit_suite_json_lines(const unit_suite_result& r);

/// Called by the `test::suite` native: keeps `suite` when a suite file is
/// running on this thread (else does nothing).
void record_unit_suite(const value& suite);

} // namespace temblor::dsl
