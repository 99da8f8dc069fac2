#pragma once

// Runs one integration (or bench) test directory the way Tremor's harness
// does: env, before steps with their awaits, the main `server run` process,
// after steps, then assert.yaml.

#include <string>

#include "tools/temblor/harness/discovery.hpp"
#include "tools/temblor/harness/environment.hpp"
#include "tools/temblor/harness/run_settings.hpp"
#include "tools/temblor/harness/test_result.hpp"

namespace temblor::harness {

/// Builds a test's environment: the harness's own, RUST_LOG (kept, or
/// `info`), env.yaml's variables, then TREMOR_PATH extended with
/// `<root>/lib` and `<test_dir>/lib` (last, so env.yaml cannot replace it).
/// Sets `error` when env.yaml is malformed.
environment test_environment(const std::string& root, const std::string& test_dir,
                             std::string& error);

/// Runs `test` (kind integration or bench) and returns its result; never
/// throws. Processes it started are gone when it returns.
test_result run_integration_test(const discovered_test& test, const run_settings& settings);

} // namespace temblor::harness
