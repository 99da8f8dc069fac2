#include "tools/temblor/harness/tag_filter.hpp"

#include <algorithm>

namespace temblor::harness {

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

tag_filter::decision tag_filter::check(const std::vector<std::string>& tags) const {
  for (const auto& t : tags)
    if (has(excludes_, t))
      return {false, "excluded by tag " + t};
  if (includes_.empty())
    return {};
  for (const auto& t : tags)
    if (has(includes_, t))
      return {};
  return {false, "no included tag"};
}

} // namespace temblor::harness
