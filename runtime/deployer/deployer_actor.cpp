#include "runtime/deployer/deployer_actor.hpp"

#include <caf/all.hpp>

#include "runtime/connector/connector_actor.hpp"
#include "runtime/pipeline/pipeline_actor.hpp"
#include "runtime/supervisor/supervisor_actor.hpp"
#include "runtime/system/log.hpp"

namespace temblor {

namespace {

event_sink_actor sink_handle(const deployer_state& st, uint64_t id) {
  if (auto it = st.connectors.find(id); it != st.connectors.end())
    return caf::actor_cast<event_sink_actor>(it->second);
  return caf::actor_cast<event_sink_actor>(st.pipelines.at(id));
}

std::vector<port_link> links_of(const deployer_state& st, const deployment_plan& plan, uint64_t id) {
  std::vector<port_link> out;
  auto it = plan.graph.outputs.find(id);
  if (it == plan.graph.outputs.end())
    return out;
  for (const auto& link : it->second)
    out.push_back(port_link{link.out_port, sink_handle(st, link.target), link.target_port});
  return out;
}

void spawn_all(deployer_actor::stateful_pointer<deployer_state> self, const deployment_plan& plan) {
  auto& st = self->state;
  auto& sys = self->system();
  st.supervisor = sys.spawn(supervisor, deployer_actor{self});
  for (const auto& c : plan.connectors) {
    connector_spec spec{c.id,    c.alias,    c.impl,    c.context,
                        c.codec, c.ports,    c.blocking, plan.services};
    auto handle = sys.spawn(connector, std::move(spec));
    st.connectors.emplace(c.id, std::move(handle));
    st.aliases[c.id] = c.alias;
    st.flow_of[c.id] = c.flow;
    st.states[c.id] = stage_state::initializing;
  }
  for (const auto& p : plan.pipelines) {
    st.pipelines.emplace(p.id, sys.spawn(pipeline, p.id, p.alias, p.program));
    st.aliases[p.id] = p.alias;
  }
}

void wire_all(deployer_actor::stateful_pointer<deployer_state> self, const deployment_plan& plan) {
  auto& st = self->state;
  auto connector_ids = plan.connector_ids();
  std::map<uint64_t, const planned_connector*> by_id;
  std::map<uint64_t, contraflow_actor> sources_by_id;
  std::map<uint64_t, ack_target_actor> ack_targets;
  for (const auto& c : plan.connectors) {
    by_id[c.id] = &c;
    if (c.impl->has_source()) {
      sources_by_id[c.id] = caf::actor_cast<contraflow_actor>(st.connectors.at(c.id));
      ack_targets[c.id] = caf::actor_cast<ack_target_actor>(st.connectors.at(c.id));
    }
  }
  for (const auto& p : plan.pipelines)
    ack_targets[p.id] = caf::actor_cast<ack_target_actor>(st.pipelines.at(p.id));
  auto sources_upstream_of = [&](uint64_t id) {
    std::vector<contraflow_actor> sources;
    for (auto source : plan.graph.sources_upstream_of(id, connector_ids))
      if (auto it = sources_by_id.find(source); it != sources_by_id.end())
        sources.push_back(it->second);
    return sources;
  };
  for (const auto& c : plan.connectors) {
    connector_wiring wiring;
    wiring.outputs = links_of(st, plan, c.id);
    wiring.upstream_count = plan.graph.feeder_count(c.id);
    wiring.upstream_sources = sources_upstream_of(c.id);
    for (auto sink : plan.graph.sinks_downstream_of(c.id, connector_ids))
      if (by_id.at(sink)->impl->has_sink())
        wiring.downstream_sinks.push_back(sink);
    wiring.ack_targets = ack_targets;
    wiring.supervisor = st.supervisor;
    wiring.deployer = deployer_actor{self};
    auto handle = st.connectors.at(c.id);
    auto reconnect = c.reconnect;
    auto alias = c.alias;
    auto id = c.id;
    self->request(handle, caf::infinite, atom::start_atom_v, std::move(wiring))
      .then([self, handle, reconnect, alias, id](caf::ok_atom) {
        self->send(self->state.supervisor, atom::start_atom_v, id, alias, reconnect,
                   caf::actor_cast<connectable_actor>(handle));
      });
  }
  for (const auto& p : plan.pipelines) {
    pipeline_wiring wiring;
    wiring.outputs = links_of(st, plan, p.id);
    wiring.upstream_count = plan.graph.feeder_count(p.id);
    wiring.upstream_sources = sources_upstream_of(p.id);
    self->request(st.pipelines.at(p.id), caf::infinite, atom::start_atom_v, std::move(wiring))
      .then([](caf::ok_atom) {});
  }
}

} // namespace

void deployer_state::stop(deployer_actor::pointer self, bool graceful) {
  if (stopping) {
    // A second request (another signal) means now.
    stop_now(self);
    return;
  }
  stopping = true;
  self->send(supervisor, atom::stop_atom_v);
  if (!graceful || connectors.empty()) {
    stop_now(self);
    return;
  }
  log::info("draining " + std::to_string(connectors.size()) + " connector(s)");
  for (const auto& [id, handle] : connectors) {
    if (states[id] != stage_state::failed)
      states[id] = stage_state::draining;
    self->send(handle, atom::drain_atom_v);
  }
  for (const auto& [id, handle] : pipelines)
    self->send(handle, atom::drain_atom_v);
  self->delayed_send(self, drain_timeout, atom::timeout_atom_v);
}

std::map<std::string, std::string> deployer_state::status() const {
  // A flow is as healthy as its least healthy connector.
  auto severity = [](stage_state s) {
    switch (s) {
      case stage_state::failed: return 5;
      case stage_state::draining: return 4;
      case stage_state::stopped: return 3;
      case stage_state::initializing: return 2;
      case stage_state::paused: return 1;
      case stage_state::running: return 0;
    }
    return 0;
  };
  std::map<std::string, std::string> out;
  std::map<std::string, stage_state> flows;
  for (const auto& [id, state] : states) {
    out[aliases.at(id)] = to_string(state);
    auto flow = flow_of.find(id);
    if (flow == flow_of.end())
      continue;
    auto [it, fresh] = flows.emplace(flow->second, state);
    if (!fresh && severity(state) > severity(it->second))
      it->second = state;
  }
  for (const auto& [flow, state] : flows)
    out[flow] = to_string(state);
  return out;
}

void deployer_state::stop_now(deployer_actor::pointer self) {
  for (const auto& [id, handle] : connectors)
    self->send_exit(handle, caf::exit_reason::user_shutdown);
  for (const auto& [id, handle] : pipelines)
    self->send_exit(handle, caf::exit_reason::user_shutdown);
  self->send_exit(supervisor, caf::exit_reason::user_shutdown);
  self->quit();
}

deployer_actor::behavior_type deployer(deployer_actor::stateful_pointer<deployer_state> self,
                                       std::shared_ptr<deployment_plan> plan) {
  spawn_all(self, *plan);
  wire_all(self, *plan);
  return {
    [self](atom::drained_atom, uint64_t id) {
      auto& st = self->state;
      st.drained.insert(id);
      st.states[id] = stage_state::stopped;
      if (st.stopping && st.drained.size() >= st.connectors.size()) {
        log::info("all connectors drained");
        st.stop_now(self);
      }
    },
    [self](atom::shutdown_atom, uint64_t delay_ns, bool graceful) {
      if (delay_ns == 0)
        self->state.stop(self, graceful);
      else
        self->delayed_send(self, std::chrono::nanoseconds(delay_ns), atom::stop_atom_v, graceful);
    },
    [self](atom::stop_atom, bool graceful) { self->state.stop(self, graceful); },
    [self](atom::timeout_atom) {
      auto& st = self->state;
      log::warning("drain did not finish within " + std::to_string(st.drain_timeout.count()) +
                   " ms (" + std::to_string(st.drained.size()) + " of " +
                   std::to_string(st.connectors.size()) + " connectors drained); stopping");
      st.stop_now(self);
    },
    [self](atom::status_atom, uint64_t id, stage_state state) { self->state.states[id] = state; },
    [self](atom::status_atom) { return self->state.status(); },
  };
}

} // namespace temblor
