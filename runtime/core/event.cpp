#include "runtime/core/event.hpp"

#include <algorithm>
#include <chrono>

namespace temblor {

void event_id::track(const event_id& other) {
  for (const auto& o : other.origins_) {
    auto same = std::find_if(origins_.begin(), origins_.end(), [&](const event_origin& mine) {
      return mine.source == o.source && mine.stream == o.stream;
    });
    if (same == origins_.end()) {
      origins_.push_back(o);
    } else {
      same->min_pull = std::min(same->min_pull, o.min_pull);
      same->max_pull = std::max(same->max_pull, o.max_pull);
    }
  }
}

bool event_id::stream_of(uint64_t source, uint64_t& stream) const {
  for (const auto& o : origins_)
    if (o.source == source) {
      stream = o.stream;
      return true;
    }
  return false;
}

uint64_t now_ns() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
    duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count());
}

} // namespace temblor
