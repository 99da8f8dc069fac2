#pragma once

// The actor hosting one connector implementation: runs its source side
// (preprocessors, codec, batching, credit, circuit breaker gate) and its sink
// side (codec, postprocessors, ack/fail), and reports to the supervisor.

#include <memory>
#include <string>

#include "codecs/chain.hpp"
#include "connectors/connector.hpp"
#include "runtime/actors/interfaces.hpp"
#include "runtime/connector/connector_state.hpp"

namespace temblor {

/// Everything needed to build a connector, resolved and validated by the deployer.
struct connector_spec {
  uint64_t id = 0;
  std::string alias; ///< `flow::connector`
  /// Built by the deployer from the descriptor and config, so that config
  /// errors fail the load; it does nothing before connect().
  std::shared_ptr<connectors::connector> impl;
  std::shared_ptr<actor_context> context;
  codecs::chain_spec codec; ///< empty codec for structured connectors
  connectors::connector_ports ports;
  bool blocking = false; ///< pull() runs on the blocking pool
  io::services services;
};

connector_actor::behavior_type connector(connector_actor::stateful_pointer<connector_state> self,
                                         connector_spec spec);

} // namespace temblor
