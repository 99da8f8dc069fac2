#pragma once

// One connector, as a plain state machine: the one owner of "connected",
// driving the implementation's life cycle and its source and sink machines,
// taking the implementation's context calls in order, and restarting a
// faulty implementation. The CAF actor (connector_actor) only adapts
// messages to these calls and implements the outbox.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codecs/chain.hpp"
#include "connectors/connector.hpp"
#include "runtime/connector/blocking_pull.hpp"
#include "runtime/connector/context_queue.hpp"
#include "runtime/connector/credit_pool.hpp"
#include "runtime/connector/outbox.hpp"
#include "runtime/connector/pull_guard.hpp"
#include "runtime/connector/sink_machine.hpp"
#include "runtime/connector/source_machine.hpp"

namespace temblor {

/// A connection that dies sooner than this after it came up, before any
/// traffic, counts as a failed connect: a server that accepts and drops at
/// once must use up the retry budget, not reset it forever.
inline constexpr uint64_t connection_grace_ns = 1'000'000'000;

/// How often a draining connector with writes in flight looks again at
/// writes_in_flight() (see connector::answers_writes).
inline constexpr uint64_t recheck_interval_ns = 10'000'000;

/// Builds a fresh implementation of the same connector on `context` (after a fault).
using connector_rebuild = std::function<std::shared_ptr<connectors::connector>(
  std::shared_ptr<connectors::connector_context> context, std::string& err)>;

class connector_machine {
public:
  enum class connection {
    idle,       ///< not connected, no attempt running
    connecting, ///< connect() was called; waiting for its outcome
    connected,
    stopped,    ///< stop() ran; nothing more happens
  };

  struct settings {
    uint64_t id = 0;
    std::string alias;
    bool blocking = false;
    int max_batches_in_flight = 8;
    /// Where this connector counts; a private one when null (tests).
    std::shared_ptr<stage_stats> stats;
    metrics_hub* metrics = nullptr;
  };

  connector_machine(settings s, std::shared_ptr<connectors::connector> impl,
                    connectors::connector_ports ports, codecs::chain_spec codec,
                    std::shared_ptr<context_queue> context, outbox& out,
                    std::function<void()> wake_on_credit, connector_rebuild rebuild = {});
  ~connector_machine();
  connector_machine(const connector_machine&) = delete;
  connector_machine& operator=(const connector_machine&) = delete;

  connection state() const { return connection_; }
  stage_stats& stats() { return *settings_.stats; }
  static const char* name(connection c);
  bool has_source() const { return source_.has_value(); }
  bool has_sink() const { return sink_.has_value(); }
  const source_machine* source() const { return source_ ? &*source_ : nullptr; }
  const sink_machine* sink() const { return sink_ ? &*sink_ : nullptr; }
  const std::shared_ptr<connectors::connector>& impl() const { return impl_; }
  const std::shared_ptr<pull_guard>& guard() const { return guard_; }
  /// What the blocking pool runs for the pull just begun: the context is
  /// held (the actor takes nothing) until the pull's run() returns.
  blocking_pull lend_pull();

  // -- life cycle (deployer and supervisor) ----------------------------------------

  /// Wires and starts the implementation: `feeders` stages feed our input
  /// ports, `out_linked` says something reads `out`, `sinks` are the sink
  /// connectors downstream whose breakers must open before we read.
  void start(io::services services, size_t feeders, bool out_linked,
             const std::vector<uint64_t>& sinks);
  /// The supervisor asks for a (re)connect.
  void connect();
  /// Begins the graceful stop (see source_machine::drain).
  void drain(bool finish_input);
  /// Stops at once; later calls do nothing.
  void stop();
  /// Whether the graceful stop is complete (reported to the deployer once).
  bool drained() const { return drained_reported_; }

  // -- messages ---------------------------------------------------------------------

  /// Takes what the implementation queued on its context, in order.
  void take_calls();
  void pull();
  void pulled(bool more);
  void write(const std::string& port, event_batch& batch);
  void drain_marker();
  void trigger(uint64_t sink);
  void restore(uint64_t sink);
  void set_paused(bool paused);
  void contraflow(bool ack, const event_id& id);

  /// An exception escaped the implementation: logs it, replaces the
  /// implementation with a fresh one and reports a lost connection (the
  /// supervisor reconnects per policy), or reports the connector failed
  /// when it cannot be rebuilt.
  void fault(const std::string& what);

private:
  void on_connected();
  void on_connect_failed(const std::string& reason);
  void on_lost(const std::string& reason);
  void maybe_report_drained();
  /// Draining with writes in flight, whose count may drop without a context
  /// call after it (an answering connector counts down after its answer):
  /// looks again shortly.
  void schedule_recheck();
  void stop_impl();

  settings settings_;
  std::shared_ptr<connectors::connector> impl_;
  connectors::connector_ports ports_;
  codecs::chain_spec codec_;
  std::shared_ptr<context_queue> context_;
  outbox& out_;
  std::shared_ptr<credit_pool> credit_;
  connector_rebuild rebuild_;
  std::shared_ptr<pull_guard> guard_ = std::make_shared<pull_guard>();
  std::optional<source_machine> source_;
  std::optional<sink_machine> sink_;
  connection connection_ = connection::idle;
  connectors::start_args start_args_;
  bool drain_requested_ = false;
  bool drained_reported_ = false;
  bool recheck_scheduled_ = false;
  uint64_t connected_at_ = 0;
  uint64_t connects_ = 0;
  bool traffic_ = false; ///< anything read or written since connected
  std::vector<context_call> calls_;
};

} // namespace temblor
