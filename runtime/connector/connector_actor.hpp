#pragma once

// The actor hosting one connector: a thin adapter that turns messages into
// calls on the connector's state machine (connector_machine) and implements
// the machine's outbox with CAF messages.

#include <memory>
#include <string>

#include "codecs/chain.hpp"
#include "connectors/connector.hpp"
#include "runtime/actors/interfaces.hpp"
#include "runtime/actors/stage_outputs.hpp"
#include "runtime/connector/connector_machine.hpp"
#include "runtime/connector/context_queue.hpp"

namespace temblor {

/// Everything needed to build a connector, resolved and validated by the deployer.
struct connector_spec {
  uint64_t id = 0;
  std::string alias; ///< `flow::connector`
  /// Built by the deployer from the descriptor and config, so that config
  /// errors fail the load; it does nothing before start().
  std::shared_ptr<connectors::connector> impl;
  std::shared_ptr<context_queue> context;
  codecs::chain_spec codec; ///< empty codec for structured connectors
  connectors::connector_ports ports;
  bool blocking = false; ///< pull() runs on the blocking pool
  io::services services;
  connector_rebuild rebuild; ///< a fresh implementation after a fault
  std::shared_ptr<stage_stats> stats;
  std::shared_ptr<metrics_hub> metrics;
};

struct connector_state : outbox {
  static inline const char* name = "connector";

  connector_actor::pointer self = nullptr;
  uint64_t id = 0;
  std::string alias;
  io::services services;
  std::shared_ptr<metrics_hub> metrics;
  stage_outputs outputs;
  connector_wiring wiring;
  std::unique_ptr<connector_machine> machine;

  connector_state() = default;
  connector_state(const connector_state&) = delete;
  connector_state& operator=(const connector_state&) = delete;
  ~connector_state() override;

  /// Runs `f` on the machine; an exception that escapes the implementation
  /// becomes a fault (restart per policy), never a dead actor.
  template <class F>
  void guarded(F f);

  // outbox
  bool linked(const std::string& port) const override { return outputs.linked(port); }
  void send(const std::string& port, std::vector<event>& events,
            std::shared_ptr<credit_token> credit) override;
  void send_drain_markers() override;
  void ack(const event_id& id) override;
  void fail(const event_id& id) override;
  void circuit_breaker(bool open_for_traffic) override;
  void tell_supervisor(connection_report what, const std::string& reason) override;
  void report_drained() override;
  void request_shutdown(uint64_t delay_ns, bool graceful) override;
  void schedule_pull(uint64_t delay_ns) override;
  void pull_on_blocking_pool() override;
  void log(connectors::log_level level, const std::string& message) override;
  uint64_t now() override { return now_ns(); }
};

connector_actor::behavior_type connector(connector_actor::stateful_pointer<connector_state> self,
                                         connector_spec spec);

} // namespace temblor
