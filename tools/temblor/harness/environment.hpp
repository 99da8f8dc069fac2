#pragma once

// The environment a test's processes run with, kept as an ordered map so the
// harness can layer inherited variables, env.yaml and step env in a fixed
// order before turning it into an envp for execve.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace temblor::harness {

class environment {
public:
  /// Copies the harness's own environment (`environ`).
  static environment from_current();

  void set(const std::string& key, std::string value);
  void unset(const std::string& key);
  std::optional<std::string> get(const std::string& key) const;

  /// Returns `KEY=VALUE` strings for execve, sorted by key.
  std::vector<std::string> to_strings() const;

  const std::map<std::string, std::string>& vars() const { return vars_; }

private:
  std::map<std::string, std::string> vars_;
};

/// Replaces `$NAME` and `${NAME}` in a before/after argument with the value of
/// NAME in `env`, and `$PWD` with `pwd` (the directory the process runs in).
/// Unknown names are left as written so a literal `$` survives, as Tremor's
/// harness leaves them.
std::string substitute_vars(std::string_view arg, const environment& env,
                            const std::string& pwd);

} // namespace temblor::harness
