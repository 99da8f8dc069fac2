#include "tools/temblor/harness/step_spec.hpp"

#include "tools/temblor/harness/yaml_file.hpp"

namespace temblor::harness {

namespace {

bool parse_one(const YAML::Node& n, step_spec& out, std::string& error) {
  if (!n.IsMap()) {
    error = "must be a map with dir, cmd and args";
    return false;
  }
  std::string e;
  if (auto dir = n["dir"])
    out.dir = scalar_string(dir, "dir", e);
  auto cmd = n["cmd"];
  if (!cmd) {
    error = "cmd is required";
    return false;
  }
  out.cmd = scalar_string(cmd, "cmd", e);
  if (auto args = n["args"])
    out.args = scalar_list(args, "args", e);
  if (auto env = n["env"])
    out.env = scalar_map(env, "env", e);
  if (auto aw = n["await"]) {
    if (!aw.IsMap() && !aw.IsNull()) {
      error = "await must be a map of condition lists";
      return false;
    }
    if (aw.IsMap())
      for (const auto& kv : aw) {
        auto name = kv.first.Scalar();
        out.await.conditions.emplace_back(name, scalar_list(kv.second, "await." + name, e));
      }
  }
  if (auto max = n["max-await-secs"])
    out.await.max_await_secs = scalar_number(max, "max-await-secs", e);
  if (auto min = n["min-await-secs"])
    out.await.min_await_secs = scalar_number(min, "min-await-secs", e);
  if (!e.empty()) {
    error = e;
    return false;
  }
  if (out.cmd.empty()) {
    error = "cmd is required";
    return false;
  }
  return true;
}

} // namespace

std::vector<step_spec> parse_steps(const YAML::Node& node, const std::string& file,
                                   std::string& error) {
  std::vector<step_spec> steps;
  if (!node || node.IsNull())
    return steps;
  std::vector<YAML::Node> entries;
  if (node.IsSequence()) {
    for (const auto& n : node)
      entries.push_back(n);
  } else {
    entries.push_back(node);
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    step_spec s;
    std::string e;
    if (!parse_one(entries[i], s, e)) {
      error = file + ": entry " + std::to_string(i) + ": " + e;
      return {};
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

} // namespace temblor::harness
