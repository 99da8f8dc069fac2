#pragma once

// Reading the harness's YAML files (meta.yaml is JSON, which YAML reads too)
// without letting yaml-cpp exceptions escape.

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace temblor::harness {

/// Parses `path`; on failure returns nullopt and sets `error` to
/// "<path>: <reason>".
std::optional<YAML::Node> load_yaml_file(const std::string& path, std::string& error);

/// Reads a scalar or a list of scalars as strings (`["a", 1]` → {"a","1"});
/// sets `error` for maps or nested lists.
std::vector<std::string> scalar_list(const YAML::Node& node, const std::string& what,
                                     std::string& error);

/// Reads a scalar as a string; sets `error` when it is not a scalar.
std::string scalar_string(const YAML::Node& node, const std::string& what, std::string& error);

/// Reads a scalar as a number; sets `error` when it is not numeric.
double scalar_number(const YAML::Node& node, const std::string& what, std::string& error);

/// Reads a map of scalars (`env:`) in file order.
std::vector<std::pair<std::string, std::string>>
scalar_map(const YAML::Node& node, const std::string& what, std::string& error);

} // namespace temblor::harness
