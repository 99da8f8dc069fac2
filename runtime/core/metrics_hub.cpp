#include "runtime/core/metrics_hub.hpp"

namespace temblor {

uint64_t metrics_hub::subscribe(subscriber s) {
  std::lock_guard<std::mutex> guard(mutex_);
  uint64_t id = next_id_++;
  subscribers_.emplace(id, std::move(s));
  count_ = subscribers_.size();
  return id;
}

void metrics_hub::unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> guard(mutex_);
  subscribers_.erase(id);
  count_ = subscribers_.size();
}

void metrics_hub::publish(const value& measurement) {
  if (!has_subscribers())
    return;
  std::lock_guard<std::mutex> guard(mutex_);
  for (auto& [id, s] : subscribers_)
    s(measurement);
}

} // namespace temblor
