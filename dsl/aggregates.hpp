#pragma once

// Aggregate functions for windowed selects (`aggr::stats::count`,
// `aggr::win::collect_flattened`, …). Each call site in a select target gets
// one aggregator per group and window; cascaded windows merge the lower
// window's aggregators into the higher one's.

#include <memory>
#include <string>
#include <vector>

#include "runtime/core/value.hpp"

namespace temblor::dsl {

class aggregator {
public:
  virtual ~aggregator() = default;
  /// Feeds the evaluated arguments of one event; false with `err` on a bad
  /// argument.
  virtual bool update(const std::vector<value>& args, std::string& err) = 0;
  /// Folds another aggregator of the same kind into this one.
  virtual void merge(const aggregator& other) = 0;
  /// Returns the aggregate over everything seen.
  virtual value result() const = 0;
  /// Returns a fresh, empty aggregator of the same kind.
  virtual std::unique_ptr<aggregator> fresh() const = 0;
};

/// Returns whether `name` (`stats::count`, `win::last`) is an aggregate.
bool is_aggregate(const std::string& name);

/// Creates the aggregate `name`; nullptr with `err` for an unknown name or
/// a wrong number of arguments.
std::unique_ptr<aggregator> make_aggregator(const std::string& name, size_t nargs,
                                            std::string& err);

} // namespace temblor::dsl
