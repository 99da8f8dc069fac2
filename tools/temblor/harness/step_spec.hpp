#pragma once

// before.yaml and after.yaml entries.

#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace temblor::harness {

/// What a before step waits for before the test goes on.
struct await_spec {
  /// Condition name (port-open, wait-for-ms, http-ok, file-exists, status)
  /// with its values, in file order.
  std::vector<std::pair<std::string, std::vector<std::string>>> conditions;
  double max_await_secs = 0; ///< bound on polling; 0 means a single check
  double min_await_secs = 0; ///< extra sleep once the conditions hold
};

struct step_spec {
  std::string dir = "."; ///< relative to the test directory
  std::string cmd;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  await_spec await; ///< before steps only
};

/// Parses before.yaml (a list; a single map is accepted too) or after.yaml (a
/// map or a list). Returns {} and sets `error` ("before.yaml: entry 1: cmd is
/// required") when an entry is malformed. `file` names the file in messages.
std::vector<step_spec> parse_steps(const YAML::Node& node, const std::string& file,
                                   std::string& error);

} // namespace temblor::harness
