#pragma once

// The connector_context given to implementations: every call, from any
// thread (the connector's own hooks, an event loop, the blocking pool,
// librdkafka's threads), is queued in arrival order. The connector's actor
// takes the queue after each hook it calls and whenever wake() tells it
// there is more, so an implementation never calls back into the runtime
// while the runtime is calling it. No CAF: the actor installs `wake`.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "codecs/chain.hpp"
#include "connectors/connector.hpp"
#include "runtime/core/stage_stats.hpp"

namespace temblor {

/// One context call, as queued.
struct context_call {
  enum class kind {
    connected,
    connect_failed,
    connection_lost,
    bytes,      ///< raw bytes for the stream's preprocessors and codec
    structured, ///< a value for `out`
    emitted,    ///< a value for `port`
    stream_end,
    source_end,
    pull_again, ///< `delay_ns`
    ack,
    fail,
    breaker, ///< `open` says which way
    shutdown,
  };
  kind what = kind::bytes;
  uint64_t stream = 0;
  std::string text; ///< the bytes, a reason, or the port
  value payload;
  value meta;
  event_id id;        ///< ack, fail
  bool open = false;  ///< breaker: open for traffic; shutdown: graceful
  uint64_t delay_ns = 0;
  bool has_pull_id = false; ///< bytes/structured: the source chose `pull_id`
  uint64_t pull_id = 0;
  /// bytes/stream_end already run through the stream's decoder off the
  /// actor (a blocking pull): `decoded` holds the result, `byte_count` the
  /// size of the bytes (then freed).
  bool decoded_ahead = false;
  std::vector<codecs::decoded> decoded;
  size_t byte_count = 0;
};

class context_queue final : public connectors::connector_context {
public:
  explicit context_queue(std::string alias,
                         std::shared_ptr<counter_set> counters = std::make_shared<counter_set>())
    : alias_(std::move(alias)), counters_(std::move(counters)) {}

  /// Detaches this queue and returns a fresh one with the same alias,
  /// counters and wake-up, for an implementation that replaces the old one
  /// (whose stray calls then go nowhere).
  std::shared_ptr<context_queue> successor();

  /// Installs what tells the owner that the queue became non-empty; called
  /// once before the implementation may run. Until then calls only queue.
  void set_wake(std::function<void()> wake);
  /// Stops queueing: calls that race the connector's stop are dropped.
  void detach();

  /// Moves every queued call into `out` (cleared first), in order; nothing
  /// while the queue is held.
  void take(std::vector<context_call>& out);

  // -- holding ------------------------------------------------------------------
  // A blocking pull decodes what it read on the pool's thread. From hold()
  // to release() the owner's take() finds nothing and calls wake nobody (the
  // pull's end tells the owner), so no call is handled twice or out of order.

  void hold();
  /// Moves every queued call into `out` for the holder; the queue stays held.
  void take_held(std::vector<context_call>& out);
  /// Puts `prepared` back in front of what was queued meanwhile and ends the hold.
  void release(std::vector<context_call>& prepared);

  /// Whether the bytes queued since the last take() passed `queued_bytes_mark`:
  /// the owner is slower than the connector's input, and should pause it.
  bool over_mark() const { return queued_bytes_.load(std::memory_order_relaxed) > queued_bytes_mark; }

  /// Bytes an event loop may queue before its connector is paused (the
  /// kernel's buffers then hold the rest and TCP flow control engages).
  static constexpr size_t queued_bytes_mark = 4 << 20;

  /// Returns every counter's current value, by name.
  std::map<std::string, uint64_t> counters() const { return counters_->snapshot(); }

  // connectors::connector_context
  const std::string& alias() const override { return alias_; }
  void log(connectors::log_level level, std::string message) override;
  void connected() override;
  void connect_failed(std::string reason) override;
  void connection_lost(std::string reason) override;
  void receive_bytes(uint64_t stream, std::string data, value meta) override;
  void receive_value(uint64_t stream, value payload, value meta) override;
  void emit(std::string port, uint64_t stream, value payload, value meta) override;
  void receive_bytes_as(uint64_t stream, uint64_t pull_id, std::string data, value meta) override;
  void receive_value_as(uint64_t stream, uint64_t pull_id, value payload, value meta) override;
  void stream_finished(uint64_t stream) override;
  void source_finished() override;
  void pull_again(uint64_t delay_ns) override;
  void ack(const event_id& id) override;
  void fail(const event_id& id) override;
  void circuit_breaker(bool open_for_traffic) override;
  void request_shutdown(uint64_t delay_ns, bool graceful) override;
  std::atomic<uint64_t>& counter(std::string_view name) override;
  std::atomic<uint64_t>& gauge(std::string_view name) override;
  bool input_backlogged() const override { return over_mark(); }

private:
  void push(context_call call);

  std::string alias_;
  std::mutex mutex_;
  std::vector<context_call> calls_;
  std::atomic<size_t> queued_bytes_{0};
  std::function<void()> wake_;
  bool detached_ = false;
  bool held_ = false;
  std::shared_ptr<counter_set> counters_;
};

} // namespace temblor
