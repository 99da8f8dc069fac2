#pragma once

// Runs one unit suite file (`all.tremor`) in a child process, `temblor
// unit-suite FILE` (dsl/unit_suite.hpp), and turns the JSON lines it prints
// into one result per case, named `<suite>/<case>`.

#include <string>
#include <vector>

#include "tools/temblor/harness/discovery.hpp"
#include "tools/temblor/harness/run_settings.hpp"
#include "tools/temblor/harness/tag_filter.hpp"
#include "tools/temblor/harness/test_result.hpp"

namespace temblor::harness {

/// Runs `test` (kind unit). A case's tags are the directory's, then its
/// suite's and its own; `filter` skips cases by them. A file that fails to
/// load or stops on an error gives one failed result for the file.
std::vector<test_result> run_unit_suite(const discovered_test& test, const run_settings& settings,
                                        const tag_filter& filter);

/// Turns the child's output (`out`: JSON lines) into results; exposed for
/// the harness's own tests.
std::vector<test_result> unit_results_from_lines(const discovered_test& test,
                                                 const std::string& out, const tag_filter& filter);

} // namespace temblor::harness
