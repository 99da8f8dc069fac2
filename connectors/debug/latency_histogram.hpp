#pragma once

// A high-dynamic-range histogram of latencies (ns): log-linear buckets with
// a fixed number of significant figures, like HdrHistogram, so percentiles
// keep their relative precision from microseconds to seconds.

#include <cstdint>
#include <string>
#include <vector>

namespace temblor::connectors {

class latency_histogram {
public:
  /// `significant_figures` in [1, 5]: relative error below 10^-figures.
  explicit latency_histogram(unsigned significant_figures = 2);

  void record(uint64_t value);
  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0; }
  /// Returns the value at `percentile` (0–100], within the precision.
  uint64_t value_at(double percentile) const;

  /// Renders the percentile table the bench connector prints.
  std::string render(const std::string& unit_name, double unit_divisor) const;

private:
  size_t index_of(uint64_t value) const;
  uint64_t upper_bound_of(size_t index) const;

  unsigned sub_bucket_bits_;
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  uint64_t sum_ = 0;
};

} // namespace temblor::connectors
