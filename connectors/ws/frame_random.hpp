#pragma once

// The random numbers a WebSocket endpoint needs: a client's masking key for
// every frame and its Sec-WebSocket-Key. RFC 6455 (§5.3, §4.1) requires
// them fresh and unpredictable; websocketpp's `config::core` uses a
// generator that always returns 0. Private to connectors/ws.

#include <array>
#include <cstddef>
#include <cstdint>

namespace temblor::connectors::ws {

/// websocketpp's `rng_type`: 32-bit values from OpenSSL's CSPRNG (seeded
/// from the OS), fetched 256 bytes at a time since a client draws one per
/// frame. Not thread-safe: each instance belongs to one thread (an
/// endpoint's event loop, or the connector actor framing replies).
class frame_random {
public:
  using int_type = uint32_t;

  uint32_t operator()() {
    if (next_ == pool_.size())
      refill();
    return pool_[next_++];
  }

private:
  void refill();

  std::array<uint32_t, 64> pool_{};
  size_t next_ = pool_.size();
};

} // namespace temblor::connectors::ws
