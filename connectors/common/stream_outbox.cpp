#include "connectors/common/stream_outbox.hpp"

#include <iterator>

namespace temblor::connectors::common {

bool stream_outbox::push(std::vector<outgoing_bytes>& frames) {
  if (frames.empty())
    return false;
  std::lock_guard<std::mutex> guard(mtx_);
  if (items_.empty())
    items_.swap(frames);
  else
    items_.insert(items_.end(), std::make_move_iterator(frames.begin()),
                  std::make_move_iterator(frames.end()));
  frames.clear();
  if (take_posted_)
    return false;
  take_posted_ = true;
  return true;
}

void stream_outbox::take(std::vector<outgoing_bytes>& out) {
  std::lock_guard<std::mutex> guard(mtx_);
  out.swap(items_);
  items_.clear();
  take_posted_ = false;
}

} // namespace temblor::connectors::common
