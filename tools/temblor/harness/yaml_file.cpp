#include "tools/temblor/harness/yaml_file.hpp"

#include <fstream>
#include <sstream>

namespace temblor::harness {

std::optional<YAML::Node> load_yaml_file(const std::string& path, std::string& error) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    error = path + ": cannot be read";
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  try {
    return YAML::Load(buf.str());
  } catch (const YAML::Exception& e) {
    error = path + ": " + e.what();
    return std::nullopt;
  }
}

std::string scalar_string(const YAML::Node& node, const std::string& what, std::string& error) {
  if (!node.IsScalar()) {
    error = what + " must be a string";
    return {};
  }
  return node.Scalar();
}

double scalar_number(const YAML::Node& node, const std::string& what, std::string& error) {
  if (node.IsScalar()) {
    try {
      return node.as<double>();
    } catch (const YAML::Exception&) {
      // falls through to the error below
    }
  }
  error = what + " must be a number";
  return 0;
}

std::vector<std::string> scalar_list(const YAML::Node& node, const std::string& what,
                                     std::string& error) {
  std::vector<std::string> out;
  if (!node || node.IsNull())
    return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    error = what + " must be a list of strings";
    return out;
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      error = what + " must be a list of strings";
      return {};
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>>
scalar_map(const YAML::Node& node, const std::string& what, std::string& error) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!node || node.IsNull())
    return out;
  if (!node.IsMap()) {
    error = what + " must be a map of strings";
    return out;
  }
  for (const auto& kv : node) {
    if (!kv.first.IsScalar() || !(kv.second.IsScalar() || kv.second.IsNull())) {
      error = what + " must be a map of strings";
      return {};
    }
    out.emplace_back(kv.first.Scalar(), kv.second.IsNull() ? std::string{} : kv.second.Scalar());
  }
  return out;
}

} // namespace temblor::harness
