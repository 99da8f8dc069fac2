#pragma once

// Command mode: command.yml suites of CLI invocations with expected status
// and output.

#include <vector>

#include "tools/temblor/harness/discovery.hpp"
#include "tools/temblor/harness/run_settings.hpp"
#include "tools/temblor/harness/tag_filter.hpp"
#include "tools/temblor/harness/test_result.hpp"

namespace temblor::harness {

/// Runs every case of the command.yml in `test` that `filter` selects (tags:
/// the directory's, the suite's and the case's) and returns one result per
/// case, skipped ones included. A malformed file yields one failed result.
std::vector<test_result> run_command_suites(const discovered_test& test,
                                            const run_settings& settings,
                                            const tag_filter& filter);

} // namespace temblor::harness
