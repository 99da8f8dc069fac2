#include "tools/temblor/harness/assertions.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "tools/temblor/harness/command_line.hpp"
#include "tools/temblor/harness/yaml_file.hpp"

namespace temblor::harness {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Shortens a line for a failure message.
std::string clip(const std::string& s) {
  constexpr size_t max = 200;
  return s.size() <= max ? s : s.substr(0, max) + "…";
}

struct source_file {
  std::string path;  ///< resolved path, or "" if unreadable
  std::string label; ///< how messages name it
  std::optional<std::string> text;
};

source_file open_source(const std::string& source, const assert_context& ctx) {
  auto l = lower(source);
  if (l == "stdout")
    return {ctx.stdout_path, "stdout", read_file(ctx.stdout_path)};
  if (l == "stderr")
    return {ctx.stderr_path, "stderr", read_file(ctx.stderr_path)};
  // Tremor lowercases file sources; try the path as written first so mixed
  // case names keep working on a case-sensitive file system.
  for (const auto& candidate : {source, l}) {
    auto p = absolute_path(candidate, ctx.base_dir);
    if (auto text = read_file(p))
      return {p, source, std::move(text)};
  }
  return {absolute_path(source, ctx.base_dir), source, std::nullopt};
}

} // namespace

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    auto end = nl == std::string::npos ? text.size() : nl;
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    lines.push_back(std::move(line));
    if (nl == std::string::npos)
      break;
    start = nl + 1;
  }
  return lines;
}

std::vector<assert_entry> parse_assert_entries(const YAML::Node& node, std::string& error) {
  std::vector<assert_entry> out;
  if (!node || node.IsNull())
    return out;
  if (!node.IsSequence()) {
    error = "asserts must be a list";
    return out;
  }
  size_t i = 0;
  for (const auto& n : node) {
    std::string e;
    assert_entry a;
    if (!n.IsMap()) {
      error = "assert " + std::to_string(i) + " must be a map";
      return {};
    }
    if (!n["source"]) {
      error = "assert " + std::to_string(i) + ": source is required";
      return {};
    }
    a.source = scalar_string(n["source"], "source", e);
    if (auto c = n["contains"])
      a.contains = scalar_list(c, "contains", e);
    if (auto c = n["doesnt_contain"])
      a.doesnt_contain = scalar_list(c, "doesnt_contain", e);
    if (auto f = n["equals_file"])
      a.equals_file = scalar_string(f, "equals_file", e);
    if (auto f = n["equals_file_binary"])
      a.equals_file_binary = scalar_string(f, "equals_file_binary", e);
    if (!e.empty()) {
      error = "assert " + std::to_string(i) + ": " + e;
      return {};
    }
    out.push_back(std::move(a));
    ++i;
  }
  return out;
}

std::optional<assert_spec> parse_assert_spec(const YAML::Node& node, std::string& error) {
  if (!node.IsMap()) {
    error = "assert.yaml must be a map with status, name and asserts";
    return std::nullopt;
  }
  assert_spec spec;
  auto status = node["status"];
  if (!status) {
    error = "assert.yaml: status is required";
    return std::nullopt;
  }
  std::string e;
  spec.status = static_cast<int>(scalar_number(status, "status", e));
  if (auto name = node["name"])
    spec.name = scalar_string(name, "name", e);
  if (!e.empty()) {
    error = "assert.yaml: " + e;
    return std::nullopt;
  }
  spec.entries = parse_assert_entries(node["asserts"], e);
  if (!e.empty()) {
    error = "assert.yaml: " + e;
    return std::nullopt;
  }
  return spec;
}

std::vector<std::string> check_entry(const assert_entry& entry, const assert_context& ctx) {
  std::vector<std::string> failures;
  auto src = open_source(entry.source, ctx);
  if (!src.text) {
    failures.push_back("source " + src.label + " cannot be read (" + src.path + ")");
    return failures;
  }
  auto lines = split_lines(*src.text);
  auto in_some_line = [&](const std::string& needle) {
    if (needle.find('\n') != std::string::npos)
      return src.text->find(needle) != std::string::npos;
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  };
  for (const auto& c : entry.contains) {
    auto needle = trim(c);
    if (!in_some_line(needle))
      failures.push_back(src.label + " does not contain \"" + clip(needle) + "\"");
  }
  for (const auto& c : entry.doesnt_contain) {
    auto needle = trim(c);
    if (in_some_line(needle))
      failures.push_back(src.label + " contains \"" + clip(needle) + "\" but must not");
  }
  if (entry.equals_file) {
    auto expected_path = absolute_path(*entry.equals_file, ctx.base_dir);
    auto expected = read_file(expected_path);
    if (!expected) {
      failures.push_back("equals_file: " + *entry.equals_file + " cannot be read");
    } else {
      auto want = split_lines(*expected);
      size_t n = std::min(want.size(), lines.size());
      size_t i = 0;
      while (i < n && want[i] == lines[i])
        ++i;
      if (i < n) {
        failures.push_back(src.label + " differs from " + *entry.equals_file + " at line " +
                           std::to_string(i + 1) + ": got \"" + clip(lines[i]) +
                           "\", expected \"" + clip(want[i]) + "\"");
      } else if (want.size() != lines.size()) {
        failures.push_back(src.label + " has " + std::to_string(lines.size()) + " lines, " +
                           *entry.equals_file + " has " + std::to_string(want.size()) +
                           (lines.size() < want.size()
                              ? "; first missing: \"" + clip(want[lines.size()]) + "\""
                              : "; first extra: \"" + clip(lines[want.size()]) + "\""));
      }
    }
  }
  if (entry.equals_file_binary) {
    auto expected = read_file(absolute_path(*entry.equals_file_binary, ctx.base_dir));
    if (!expected) {
      failures.push_back("equals_file_binary: " + *entry.equals_file_binary +
                         " cannot be read");
    } else if (*expected != *src.text) {
      auto mismatch = std::mismatch(expected->begin(), expected->end(), src.text->begin(),
                                    src.text->end());
      auto at = static_cast<size_t>(mismatch.first - expected->begin());
      failures.push_back(src.label + " differs from " + *entry.equals_file_binary +
                         " at byte " + std::to_string(at) + " (" +
                         std::to_string(src.text->size()) + " bytes vs " +
                         std::to_string(expected->size()) + ")");
    }
  }
  return failures;
}

} // namespace temblor::harness
