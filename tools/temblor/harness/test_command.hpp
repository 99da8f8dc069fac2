#pragma once

// `temblor test`: runs test directories in Tremor's format (integration,
// bench, command and unit suites).

#include <string>
#include <vector>

namespace temblor::harness {

/// Runs `temblor test` with `args`, the words after `test`:
/// `[all|integration|bench|command|unit] [PATH] [-i TAG…] [-e TAG…]
/// [-t SECONDS] [-o report.json] [-v]`. `self_exe` is the running binary,
/// which `tremor`/`temblor` in a test means unless `$TREMOR_BIN` is set.
/// Prints progress and ends with the line `N passed, N failed` (plus
/// `, N skipped`); returns 0 when nothing failed, 1 when something did or no
/// test was found, 2 on a usage error, 130 when interrupted.
int run_test_command(const std::vector<std::string>& args, const std::string& self_exe);

} // namespace temblor::harness
