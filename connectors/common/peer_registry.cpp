#include "connectors/common/peer_registry.hpp"

#include <algorithm>

namespace temblor::connectors::common {

void peer_registry::add(peer_ptr peer) {
  std::lock_guard<std::mutex> guard(mtx_);
  by_key_[peer->key] = peer;
  by_stream_[peer->stream] = std::move(peer);
}

bool peer_registry::remove(uint64_t stream) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto it = by_stream_.find(stream);
  if (it == by_stream_.end())
    return false;
  // A newer connection may have taken the key (a client reusing its port).
  auto by_key = by_key_.find(it->second->key);
  if (by_key != by_key_.end() && by_key->second == it->second)
    by_key_.erase(by_key);
  by_stream_.erase(it);
  return true;
}

size_t peer_registry::size() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return by_stream_.size();
}

void peer_registry::find_targets(const std::string* key, const event_id& id, uint64_t source_id,
                                 std::vector<peer_ptr>& out) const {
  std::lock_guard<std::mutex> guard(mtx_);
  if (key != nullptr) {
    auto it = by_key_.find(*key);
    if (it != by_key_.end() && !it->second->closed.load(std::memory_order_relaxed)) {
      out.push_back(it->second);
      return;
    }
  }
  const size_t first = out.size();
  for (const auto& origin : id.origins()) {
    if (origin.source != source_id)
      continue;
    auto it = by_stream_.find(origin.stream);
    if (it == by_stream_.end() || it->second->closed.load(std::memory_order_relaxed))
      continue;
    if (std::find(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), it->second) ==
        out.end())
      out.push_back(it->second);
  }
}

std::vector<peer_ptr> peer_registry::all() const {
  std::lock_guard<std::mutex> guard(mtx_);
  std::vector<peer_ptr> out;
  out.reserve(by_stream_.size());
  for (const auto& [stream, peer] : by_stream_)
    out.push_back(peer);
  return out;
}

} // namespace temblor::connectors::common
