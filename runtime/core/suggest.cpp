#include "runtime/core/suggest.hpp"

#include <algorithm>

namespace temblor {

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

} // namespace

std::string closest_name(std::string_view wanted, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 0;
  for (const auto& c : candidates) {
    size_t d = edit_distance(wanted, c);
    if (best.empty() || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A third of the name may differ: "ws_clinet" finds "ws_client", "foo" finds nothing.
  size_t budget = std::max<size_t>(2, wanted.size() / 3);
  return best_distance <= budget ? best : std::string{};
}

std::string unknown_name_hint(std::string_view wanted, const std::vector<std::string>& candidates) {
  std::string out;
  auto best = closest_name(wanted, candidates);
  if (!best.empty())
    out += "did you mean `" + best + "`? ";
  out += "available: ";
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += candidates[i];
  }
  return out;
}

} // namespace temblor
