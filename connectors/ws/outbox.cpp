#include "connectors/ws/outbox.hpp"

#include <cstddef>

#include "codecs/utf8.hpp"

namespace temblor::connectors::ws {

bool outbox::wants_binary(const event& ev) {
  const value* bin = ev.meta.get("binary");
  return bin != nullptr && bin->is_bool() && bin->as_bool();
}

bool outbox::sendable(const std::vector<std::string>& frames, bool binary, size_t& total) {
  total = 0;
  for (const auto& frame : frames) {
    total += frame.size();
    if (!binary && !codecs::utf8_valid(frame))
      return false;
  }
  return true;
}

bool outbox::has_room(const send_state& target, size_t bytes) {
  size_t used = target.posted.load(std::memory_order_relaxed) +
                target.buffered.load(std::memory_order_relaxed);
  // A single frame larger than the budget still goes out when nothing waits.
  return used == 0 || used + bytes <= max_buffered_bytes;
}

bool outbox::push(std::vector<outgoing_frame>& frames) {
  std::lock_guard<std::mutex> guard(mtx_);
  for (auto& f : frames) {
    f.target->posted.fetch_add(f.data.size(), std::memory_order_relaxed);
    items_.push_back(std::move(f));
  }
  frames.clear();
  if (drain_posted_)
    return false;
  drain_posted_ = true;
  return true;
}

void outbox::take(std::vector<outgoing_frame>& out) {
  std::lock_guard<std::mutex> guard(mtx_);
  out.swap(items_);
  drain_posted_ = false;
}

} // namespace temblor::connectors::ws
