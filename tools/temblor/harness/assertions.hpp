#pragma once

// assert.yaml and command.yml `expects`: checks on the main process's exit
// status, its output and the files a test wrote.

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace temblor::harness {

/// One entry of `asserts:` / `expects:`.
struct assert_entry {
  std::string source; ///< stdout, stderr (any case) or a file path
  std::vector<std::string> contains;
  std::vector<std::string> doesnt_contain;
  std::optional<std::string> equals_file;
  std::optional<std::string> equals_file_binary;
};

struct assert_spec {
  int status = 0;
  std::string name;
  std::vector<assert_entry> entries;
};

/// Where `stdout`/`stderr` sources point and what relative paths are relative to.
struct assert_context {
  std::string base_dir;    ///< the test directory
  std::string stdout_path; ///< fg.out.log, or a command case's log
  std::string stderr_path;
};

/// Parses a list of entries; sets `error` when an entry is not a map or has
/// no `source`. Unknown keys are ignored, as Tremor ignores them.
std::vector<assert_entry> parse_assert_entries(const YAML::Node& node, std::string& error);

/// Parses assert.yaml: `status` (required), `name`, `asserts`.
std::optional<assert_spec> parse_assert_spec(const YAML::Node& node, std::string& error);

/// Checks one entry and returns a message per failed check (empty: all held).
/// `contains` strings are trimmed and must each be a substring of some line;
/// `doesnt_contain` strings of none; `equals_file` compares line by line;
/// `equals_file_binary` compares bytes. A file source is opened as written,
/// then lowercased as Tremor does; relative paths are relative to base_dir.
std::vector<std::string> check_entry(const assert_entry& entry, const assert_context& ctx);

/// Splits text into lines like Rust's `str::lines`: `\n` ends a line, a
/// trailing `\r` is dropped, and a final newline adds no empty line.
std::vector<std::string> split_lines(const std::string& text);

} // namespace temblor::harness
