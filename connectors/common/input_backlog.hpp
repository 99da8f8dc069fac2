#pragma once

// Holds back the reads of a stream connector's connections while what they
// already handed to the runtime waits beyond its mark
// (connector_context::input_backlogged): the runtime's pause() comes from
// its actor, which may be busy decoding while the event loop reads on, so
// the loop itself must stop. Parked connections are let go together once
// the backlog cleared, checked on a short timer. Private to connectors'
// .cpp files (it includes Asio); every method runs on the loop.

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/connector.hpp"

namespace temblor::connectors::common {

class stream_connection;

class input_backlog final : public std::enable_shared_from_this<input_backlog> {
public:
  input_backlog(asio::io_context& io, std::shared_ptr<connector_context> ctx);

  /// True when `c` may read now; otherwise `c` is remembered and unparked
  /// once the backlog cleared.
  bool may_read(stream_connection& c);
  /// Forgets every parked connection (stop).
  void cancel();

private:
  void arm();
  void check();

  asio::steady_timer timer_;
  std::shared_ptr<connector_context> ctx_;
  std::vector<std::weak_ptr<stream_connection>> parked_;
  bool armed_ = false;
  std::atomic<uint64_t>& waits_;
};

} // namespace temblor::connectors::common
