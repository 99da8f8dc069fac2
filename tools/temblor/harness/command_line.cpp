#include "tools/temblor/harness/command_line.hpp"

#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

namespace temblor::harness {

namespace fs = std::filesystem;

namespace {

bool is_regular_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_executable(const std::string& p) {
  return is_regular_file(p) && ::access(p.c_str(), X_OK) == 0;
}

} // namespace

std::string absolute_path(const std::string& path, const std::string& base) {
  if (path.empty())
    return base;
  fs::path p{path};
  auto normal = (p.is_absolute() ? p : fs::path{base} / p).lexically_normal().string();
  // "dir/." normalises to "dir/"; $PWD and messages want "dir".
  while (normal.size() > 1 && normal.back() == '/')
    normal.pop_back();
  return normal;
}

bool names_this_binary(std::string_view cmd) {
  return cmd == "tremor" || cmd == "temblor";
}

std::string tremor_binary(const environment& env, const std::string& self_exe,
                          const std::string& test_dir) {
  if (auto bin = env.get("TREMOR_BIN"); bin && !bin->empty()) {
    if (bin->find('/') == std::string::npos)
      return resolve_program(*bin, env, test_dir).value_or(*bin);
    return absolute_path(*bin, test_dir);
  }
  return self_exe;
}

std::optional<std::string> resolve_program(const std::string& cmd, const environment& env,
                                           const std::string& cwd) {
  if (cmd.empty())
    return std::nullopt;
  if (cmd.find('/') != std::string::npos) {
    auto p = absolute_path(cmd, cwd);
    // A script without the x bit is still runnable: spawn falls back to sh.
    if (is_regular_file(p))
      return p;
    return std::nullopt;
  }
  std::string path = env.get("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos)
      end = path.size();
    std::string dir = path.substr(start, end - start);
    if (dir.empty())
      dir = ".";
    auto candidate = absolute_path(dir + "/" + cmd, cwd);
    if (is_executable(candidate))
      return candidate;
    start = end + 1;
  }
  auto local = absolute_path(cmd, cwd);
  if (is_regular_file(local))
    return local;
  return std::nullopt;
}

std::optional<std::vector<std::string>> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        cur.push_back(c);
      continue;
    }
    if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < line.size() &&
                 (line[i + 1] == '"' || line[i + 1] == '\\' || line[i + 1] == '$')) {
        cur.push_back(line[++i]);
      } else {
        cur.push_back(c);
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) {
        words.push_back(std::move(cur));
        cur.clear();
        in_word = false;
      }
      continue;
    }
    in_word = true;
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur.push_back(line[++i]);
    } else {
      cur.push_back(c);
    }
  }
  if (quote != 0)
    return std::nullopt;
  if (in_word)
    words.push_back(std::move(cur));
  return words;
}

} // namespace temblor::harness
