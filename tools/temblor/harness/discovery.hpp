#pragma once

// Finding tests under a PATH in Tremor's directory format: every meta.yaml
// names a kind and a glob of test directories; a directory is a test when it
// holds tags.yaml.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace temblor::harness {

enum class test_kind { all, integration, bench, command, unit };

/// Parses a mode word or a meta.yaml kind, case-insensitively.
std::optional<test_kind> parse_test_kind(std::string_view word);
std::string to_string(test_kind kind);

struct discovered_test {
  test_kind kind = test_kind::integration;
  std::string dir;  ///< absolute directory the test runs in
  std::string file; ///< command.yml or all.tremor for those kinds, else empty
  std::string name; ///< path relative to the PATH given, for humans and -o
  std::vector<std::string> tags;
};

struct discovery {
  std::vector<discovered_test> tests;
  std::vector<std::string> errors; ///< unreadable or malformed meta.yaml/tags.yaml
  bool single = false;             ///< PATH had no meta.yaml and was run as one test
};

/// Finds the tests of `mode` under `root` (absolute). When no meta.yaml exists
/// and `root` holds *.troy files, `root` itself is one test of `mode`
/// (integration when `mode` is all); a command.yml given directly, or found
/// under a root without meta.yaml in command mode, is run as a suite.
discovery discover_tests(const std::string& root, test_kind mode);

/// Returns the union of tags.yaml lists from `root` down to `test_dir`, then
/// the basename of `test_dir`, without duplicates.
std::vector<std::string> collect_tags(const std::string& root, const std::string& test_dir,
                                      std::vector<std::string>& errors);

/// Reads one tags.yaml (a YAML list of strings); a missing file gives {}.
std::vector<std::string> read_tags_file(const std::string& path, std::string& error);

} // namespace temblor::harness
