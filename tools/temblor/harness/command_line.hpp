#pragma once

// Turning a step's `cmd` (or a command-mode case's `command`) into a program
// path the harness can execve.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/temblor/harness/environment.hpp"

namespace temblor::harness {

/// Returns the binary that `tremor`/`temblor` stands for in a test: `$TREMOR_BIN`
/// from the test's environment when set (a relative value is taken relative to
/// `test_dir`), else the running binary `self_exe`.
std::string tremor_binary(const environment& env, const std::string& self_exe,
                          const std::string& test_dir);

/// Returns true for the command names that mean "this binary".
bool names_this_binary(std::string_view cmd);

/// Finds the program for `cmd`: a name with a `/` is taken relative to `cwd`;
/// a bare name is searched on the PATH of `env`, then in `cwd` (a script next
/// to the test). Returns nullopt when nothing executable or readable exists.
std::optional<std::string> resolve_program(const std::string& cmd, const environment& env,
                                           const std::string& cwd);

/// Splits a command line into words the way a POSIX shell would for the
/// simple cases command.yml uses: whitespace separates, single and double
/// quotes group, backslash escapes. Returns nullopt on an unclosed quote.
std::optional<std::vector<std::string>> split_words(std::string_view line);

/// Makes `path` absolute against `base` without touching the file system.
std::string absolute_path(const std::string& path, const std::string& base);

} // namespace temblor::harness
