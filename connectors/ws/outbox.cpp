#include "connectors/ws/outbox.hpp"

#include <cstddef>

#include "codecs/utf8.hpp"
#include "connectors/ws/frame_random.hpp"

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#include <websocketpp/frame.hpp>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

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

outgoing_frame outbox::make_frame(std::shared_ptr<send_state> target, std::string payload,
                                  bool binary, frame_random* mask_with) {
  namespace frame = websocketpp::frame;
  const auto op = binary ? frame::opcode::binary : frame::opcode::text;
  const bool masked = mask_with != nullptr;
  frame::basic_header basic(op, payload.size(), /*fin=*/true, masked);
  outgoing_frame out;
  if (masked) {
    frame::masking_key_type key;
    key.i = (*mask_with)();
    frame::word_mask_exact(reinterpret_cast<uint8_t*>(payload.data()), payload.size(), key);
    out.header = frame::prepare_header(basic, frame::extended_header(payload.size(), key.i));
  } else {
    out.header = frame::prepare_header(basic, frame::extended_header(payload.size()));
  }
  out.target = std::move(target);
  out.data = std::move(payload);
  out.binary = binary;
  return out;
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
