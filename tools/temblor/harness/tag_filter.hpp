#pragma once

// Selecting tests by tag, as `-i`/`-e` do.

#include <string>
#include <vector>

namespace temblor::harness {

class tag_filter {
public:
  tag_filter() = default;
  tag_filter(std::vector<std::string> includes, std::vector<std::string> excludes)
    : includes_(std::move(includes)), excludes_(std::move(excludes)) {}

  struct decision {
    bool run = true;
    std::string reason; ///< why a test is skipped ("excluded by tag ws")
  };

  /// Decides for a test with `tags`: with no -i/-e everything runs; an
  /// excluded tag skips (exclusion wins over inclusion); with -i given, a test
  /// runs only when one of its tags is included.
  decision check(const std::vector<std::string>& tags) const;

  bool empty() const { return includes_.empty() && excludes_.empty(); }

private:
  std::vector<std::string> includes_;
  std::vector<std::string> excludes_;
};

} // namespace temblor::harness
