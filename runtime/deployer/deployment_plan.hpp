#pragma once

// Turns the DSL's resolved flows into a validated graph of stages with ids:
// connector implementations built (so config errors fail the load), codec
// chains checked, and the neighbourhoods every stage needs computed. No CAF.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "codecs/chain.hpp"
#include "connectors/connector.hpp"
#include "dsl/deployment.hpp"
#include "runtime/connector/context_queue.hpp"
#include "runtime/core/metrics_hub.hpp"
#include "runtime/core/stage_stats.hpp"
#include "runtime/io/io_pool.hpp"
#include "runtime/supervisor/reconnect_policy.hpp"

namespace temblor {

struct planned_link {
  std::string out_port;
  uint64_t target = 0;
  std::string target_port;
};

struct planned_connector {
  uint64_t id = 0;
  std::string alias; ///< flow::connector
  std::string flow;
  std::string type;
  std::shared_ptr<connectors::connector> impl;
  connectors::connector_ports ports; ///< asked once, when built
  std::shared_ptr<context_queue> context;
  /// What built `impl`, to build a fresh one after a fault.
  const connectors::connector_descriptor* descriptor = nullptr;
  connectors::connector_args args;
  codecs::chain_spec codec;
  reconnect_policy reconnect;
  bool blocking = false; ///< from the descriptor: pull() runs on the blocking pool
  std::shared_ptr<stage_stats> stats;
};

struct planned_pipeline {
  uint64_t id = 0;
  std::string alias; ///< flow::pipeline
  std::string flow;
  std::shared_ptr<const dsl::pipeline_program> program;
  std::shared_ptr<stage_stats> stats;
};

/// Which stages feed which, by id.
struct stage_graph {
  std::map<uint64_t, std::vector<planned_link>> outputs;
  std::map<uint64_t, std::set<uint64_t>> upstream; ///< direct feeders of each stage

  /// How many stages feed `id` directly (its expected drain markers).
  size_t feeder_count(uint64_t id) const {
    auto it = upstream.find(id);
    return it == upstream.end() ? 0 : it->second.size();
  }

  /// Connectors reachable backwards from `id` through pipelines.
  std::vector<uint64_t> sources_upstream_of(uint64_t id, const std::set<uint64_t>& connectors) const;
  /// Connectors reachable forwards from `id` through pipelines.
  std::vector<uint64_t> sinks_downstream_of(uint64_t id, const std::set<uint64_t>& connectors) const;
};

struct deployment_plan {
  std::vector<planned_connector> connectors;
  std::vector<planned_pipeline> pipelines;
  stage_graph graph;
  std::vector<std::string> flows;
  /// The pools connectors run on; set by whoever runs the plan.
  io::services services;
  /// Every stage's counters, for the metrics endpoint and status views.
  std::shared_ptr<stats_registry> stats = std::make_shared<stats_registry>();
  /// Tremor's metrics channel.
  std::shared_ptr<metrics_hub> metrics = std::make_shared<metrics_hub>();
  /// Keep running when every flow has failed (`--keep-serving`); otherwise
  /// the process stops and exits non-zero.
  bool keep_serving = false;

  std::set<uint64_t> connector_ids() const;
};

struct plan_options {
  bool debug_connectors = false;
  /// Where connector types are looked up (tests add their own).
  const connectors::connector_registry* registry = nullptr; ///< null: the builtins
};

/// Builds the plan; every problem goes to `diags` (with the DSL span where
/// one exists). Returns false if any error was found.
bool make_plan(const dsl::deployment& deployment, const plan_options& options,
               deployment_plan& plan, dsl::diagnostics& diags);

} // namespace temblor
