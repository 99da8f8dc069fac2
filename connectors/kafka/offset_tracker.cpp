#include "connectors/kafka/offset_tracker.hpp"

#include <algorithm>

namespace temblor::connectors::kafka {

void offset_tracker::emitted(int64_t offset) { in_flight_.insert(offset); }

bool offset_tracker::ack(int64_t offset) {
  if (in_flight_.erase(offset) == 0)
    return false;
  highest_done_ = std::max(highest_done_, offset);
  return true;
}

bool offset_tracker::rewind(int64_t offset) {
  auto from = in_flight_.find(offset);
  if (from == in_flight_.end())
    return false;
  in_flight_.erase(from, in_flight_.end());
  // Done offsets past the rewind point come again; the watermark must not
  // run ahead of the redelivered message.
  highest_done_ = std::min(highest_done_, offset - 1);
  return true;
}

void offset_tracker::clear() {
  in_flight_.clear();
  highest_done_ = -1;
}

int64_t offset_tracker::committable() const {
  if (!in_flight_.empty())
    return *in_flight_.begin();
  return highest_done_ < 0 ? -1 : highest_done_ + 1;
}

} // namespace temblor::connectors::kafka
