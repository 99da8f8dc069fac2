#include "connectors/debug/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace temblor::connectors {

latency_histogram::latency_histogram(unsigned significant_figures) {
  significant_figures = std::clamp(significant_figures, 1u, 5u);
  // Enough linear sub-buckets per power of two for the wanted precision.
  double needed = 2.0 * std::pow(10.0, significant_figures);
  sub_bucket_bits_ = static_cast<unsigned>(std::ceil(std::log2(needed)));
  buckets_.assign((64 - sub_bucket_bits_ + 1) << sub_bucket_bits_, 0);
}

size_t latency_histogram::index_of(uint64_t value) const {
  uint64_t sub_count = uint64_t{1} << sub_bucket_bits_;
  if (value < sub_count)
    return static_cast<size_t>(value);
  unsigned magnitude = 63 - static_cast<unsigned>(__builtin_clzll(value)); // floor(log2)
  unsigned shift = magnitude - sub_bucket_bits_ + 1;
  uint64_t sub = (value >> shift) - (sub_count >> 1);
  return static_cast<size_t>((uint64_t{shift} << (sub_bucket_bits_ - 1)) + (sub_count >> 1) + sub);
}

uint64_t latency_histogram::upper_bound_of(size_t index) const {
  uint64_t sub_count = uint64_t{1} << sub_bucket_bits_;
  if (index < sub_count)
    return index;
  uint64_t half = sub_count >> 1;
  uint64_t shift = (index - half) / half;
  uint64_t sub = (index - half) % half + half;
  return ((sub + 1) << shift) - 1;
}

void latency_histogram::record(uint64_t value) {
  size_t i = index_of(value);
  if (i >= buckets_.size())
    i = buckets_.size() - 1;
  ++buckets_[i];
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

uint64_t latency_histogram::value_at(double percentile) const {
  if (count_ == 0)
    return 0;
  auto wanted = static_cast<uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_)));
  wanted = std::max<uint64_t>(wanted, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= wanted)
      return std::min(upper_bound_of(i), max_);
  }
  return max_;
}

std::string latency_histogram::render(const std::string& unit_name, double unit_divisor) const {
  std::string out;
  char line[128];
  std::snprintf(line, sizeof line, "%12s %12s %12s\n", "Value", "Percentile", "TotalCount");
  out += line;
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    uint64_t v = value_at(p);
    auto total = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    std::snprintf(line, sizeof line, "%12.3f %12.5f %12llu\n", static_cast<double>(v) / unit_divisor,
                  p / 100.0, static_cast<unsigned long long>(total));
    out += line;
  }
  std::snprintf(line, sizeof line, "#[Mean = %.3f, Max = %.3f, Total count = %llu] (%s)\n",
                mean() / unit_divisor, static_cast<double>(max_) / unit_divisor,
                static_cast<unsigned long long>(count_), unit_name.c_str());
  out += line;
  return out;
}

} // namespace temblor::connectors
