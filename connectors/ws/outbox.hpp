#pragma once

// Hands frames from the sink side (the connector actor's thread) to a
// connector's event loop, and bounds what may wait per connection.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/event.hpp"

namespace temblor::connectors::ws {

class frame_random;

/// What the actor thread knows about one connection's send side.
struct send_state {
  explicit send_state(uint64_t stream_id) : stream(stream_id) {}
  virtual ~send_state() = default;

  const uint64_t stream;
  /// Bytes queued by write() that the loop has not handed to websocketpp.
  std::atomic<size_t> posted{0};
  /// websocketpp's send queue (`get_buffered_amount()`) at the loop's last look.
  std::atomic<size_t> buffered{0};
  /// Set by the loop once the connection is gone.
  std::atomic<bool> closed{false};
};

/// One complete WebSocket frame, built on the actor thread so the loop
/// only hands it to websocketpp (no second copy, no second UTF-8 check).
struct outgoing_frame {
  std::shared_ptr<send_state> target;
  std::string header; ///< RFC 6455 frame header (masking key included)
  std::string data;   ///< payload, already masked when a client sends it
  bool binary = false;
  /// Set on the last frame of a transactional event: acked once that frame
  /// is handed to the connection, failed if it never is.
  std::optional<event_id> completes;
};

/// A mutex-guarded batch of frames; the loop takes all of them at once, so
/// a burst of writes costs one wake-up.
class outbox {
public:
  /// Each connection may have this many bytes waiting before writes fail.
  static constexpr size_t max_buffered_bytes = size_t{16} * 1024 * 1024;

  /// Logged when sendable() refuses frames.
  static constexpr const char* not_utf8_text =
    "cannot send a text frame: the payload is not valid UTF-8 (set `$binary = true` for bytes)";

  /// Whether `ev` asks to go out as binary frames (`$binary = true`).
  static bool wants_binary(const event& ev);

  /// Sums the sizes of `frames` into `total`; false when they are text
  /// frames (`binary` unset) and one is not valid UTF-8, as RFC 6455 forbids.
  static bool sendable(const std::vector<std::string>& frames, bool binary, size_t& total);

  /// Returns whether `bytes` more fit into `target`'s budget.
  static bool has_room(const send_state& target, size_t bytes);

  /// Builds the frame carrying `payload` (one unfragmented message). A
  /// client passes `mask_with`: the payload is masked in place with a fresh
  /// key (RFC 6455 §5.3); a server passes null.
  static outgoing_frame make_frame(std::shared_ptr<send_state> target, std::string payload,
                                   bool binary, frame_random* mask_with);

  /// Queues `frames`; returns true when the caller must post a drain to the
  /// loop (the batch was empty).
  bool push(std::vector<outgoing_frame>& frames);

  /// Moves every queued frame into `out` (loop thread).
  void take(std::vector<outgoing_frame>& out);

private:
  std::mutex mtx_;
  std::vector<outgoing_frame> items_;
  bool drain_posted_ = false;
};

} // namespace temblor::connectors::ws
