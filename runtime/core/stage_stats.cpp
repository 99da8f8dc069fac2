#include "runtime/core/stage_stats.hpp"

namespace temblor {

std::atomic<uint64_t>& counter_set::find_or_add(named_values& values, std::string_view name) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = values.find(name);
  if (it == values.end())
    it = values.try_emplace(std::string(name), 0).first;
  return it->second;
}

std::map<std::string, uint64_t> counter_set::read(const named_values& values) const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::map<std::string, uint64_t> out;
  for (const auto& [name, count] : values)
    out.emplace(name, count.load(std::memory_order_relaxed));
  return out;
}

std::atomic<uint64_t>& counter_set::get(std::string_view name) { return find_or_add(counters_, name); }
std::map<std::string, uint64_t> counter_set::snapshot() const { return read(counters_); }
std::atomic<uint64_t>& counter_set::gauge(std::string_view name) { return find_or_add(gauges_, name); }
std::map<std::string, uint64_t> counter_set::gauge_snapshot() const { return read(gauges_); }

stage_stats::stage_stats(kind k, std::string alias, std::string flow, std::string type,
                         const std::vector<std::string>& in_ports,
                         const std::vector<std::string>& out_ports,
                         std::shared_ptr<counter_set> named)
  : kind_(k), alias_(std::move(alias)), flow_(std::move(flow)), type_(std::move(type)),
    named_(std::move(named)) {
  // Fixed when built, so counting never allocates or locks.
  for (const auto& p : in_ports) {
    in_.push_back(std::make_unique<port_count>());
    in_.back()->port = p;
  }
  for (const auto& p : out_ports) {
    out_.push_back(std::make_unique<port_count>());
    out_.back()->port = p;
  }
  in_.push_back(std::make_unique<port_count>());
  in_.back()->port = "other";
  out_.push_back(std::make_unique<port_count>());
  out_.back()->port = "other";
}

port_count& stage_stats::find(std::vector<std::unique_ptr<port_count>>& ports,
                              const std::string& port) {
  for (auto& p : ports)
    if (p->port == port)
      return *p;
  return *ports.back();
}

void stats_registry::add(std::shared_ptr<stage_stats> stats) {
  std::lock_guard<std::mutex> guard(mutex_);
  stages_.push_back(std::move(stats));
}

std::vector<std::shared_ptr<stage_stats>> stats_registry::all() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return stages_;
}

} // namespace temblor
