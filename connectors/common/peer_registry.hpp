#pragma once

// The connections of a stream server (tcp_server, unix_socket_server) as the
// sink side sees them: which one a reply goes to, and how much may wait for
// each. Shared by the event loop (which adds and removes connections) and
// the connector actor's thread (which routes replies), hence the lock.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/core/event.hpp"

namespace temblor::connectors::common {

/// The send side of one connection: its stream, its routing key and the
/// bytes queued for it.
struct stream_peer {
  stream_peer(uint64_t stream_id, std::string routing_key)
    : stream(stream_id), key(std::move(routing_key)) {}
  virtual ~stream_peer() = default;

  const uint64_t stream;
  /// What a reply's metadata names it by: `host:port` (tcp), the stream id (unix).
  const std::string key;
  /// Bytes accepted by write() that the socket has not taken yet.
  std::atomic<size_t> queued{0};
  /// Set once the connection can take no more replies.
  std::atomic<bool> closed{false};
};

using peer_ptr = std::shared_ptr<stream_peer>;

class peer_registry {
public:
  void add(peer_ptr peer);
  /// Forgets the connection of `stream`; false when it was not registered.
  bool remove(uint64_t stream);
  size_t size() const;

  /// Appends to `out` where a reply goes, as ws_server decides (Tremor's
  /// rule): the connection named by `key` (from the reply's metadata) when
  /// it is given and open, else every open connection among `id`'s origins
  /// from the connector `source_id` (a windowed aggregate goes back to each
  /// connection it was made of). Nothing is appended when none is open.
  void find_targets(const std::string* key, const event_id& id, uint64_t source_id,
                    std::vector<peer_ptr>& out) const;

  /// Returns every registered connection.
  std::vector<peer_ptr> all() const;

private:
  mutable std::mutex mtx_;
  std::unordered_map<uint64_t, peer_ptr> by_stream_;
  std::unordered_map<std::string, peer_ptr> by_key_;
};

} // namespace temblor::connectors::common
