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
  st.flows = plan.flows;
  st.keep_serving = plan.keep_serving;
  for (const auto& c : plan.connectors) {
    connector_spec spec;
    spec.id = c.id;
    spec.alias = c.alias;
    spec.impl = c.impl;
    spec.context = c.context;
    spec.codec = c.codec;
    spec.ports = c.ports;
    spec.blocking = c.blocking;
    spec.services = plan.services;
    spec.stats = c.stats;
    spec.metrics = plan.metrics;
    if (c.descriptor) {
      spec.rebuild = [descriptor = c.descriptor, args = c.args](
                       std::shared_ptr<connectors::connector_context> context, std::string& err)
        -> std::shared_ptr<connectors::connector> {
        auto fresh = args;
        fresh.context = std::move(context);
        return connectors::make_connector(*descriptor, std::move(fresh), err);
      };
    }
    auto handle = sys.spawn(connector, std::move(spec));
    // A stage that dies unexpectedly is reported, never a silent hang.
    self->monitor(handle);
    st.connectors.emplace(c.id, std::move(handle));
    st.aliases[c.id] = c.alias;
    st.flow_of[c.id] = c.flow;
    st.types[c.id] = c.type;
    st.stats[c.id] = c.stats;
    st.states[c.id] = stage_state::initializing;
  }
  st.links = plan.graph.outputs;
  for (const auto& p : plan.pipelines) {
    auto handle = sys.spawn(pipeline, p.id, p.alias, p.program, deployer_actor{self}, p.stats,
                            plan.metrics);
    self->monitor(handle);
    st.pipelines.emplace(p.id, std::move(handle));
    st.pipeline_stats[p.id] = p.stats;
    st.aliases[p.id] = p.alias;
    st.flow_of[p.id] = p.flow;
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
    wiring.ack_targets = ack_targets;
    self->request(st.pipelines.at(p.id), caf::infinite, atom::start_atom_v, std::move(wiring))
      .then([](caf::ok_atom) {});
  }
}

} // namespace

void deployer_state::stop(deployer_actor::pointer self, bool graceful, bool finish_input) {
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
    self->send(handle, atom::drain_atom_v, finish_input);
  }
  for (const auto& [id, handle] : pipelines)
    self->send(handle, atom::drain_atom_v);
  self->delayed_send(self, drain_timeout, atom::timeout_atom_v);
}

namespace {

// A flow is as healthy as its least healthy stage.
int severity(stage_state s) {
    switch (s) {
      case stage_state::failed: return 5;
      case stage_state::draining: return 4;
      case stage_state::stopped: return 3;
      case stage_state::initializing: return 2;
      case stage_state::paused: return 1;
      case stage_state::running: return 0;
  }
  return 0;
}

} // namespace

std::map<std::string, stage_state> deployer_state::flow_states() const {
  std::map<std::string, stage_state> flows;
  for (const auto& [id, state] : states) {
    auto flow = flow_of.find(id);
    if (flow == flow_of.end())
      continue;
    auto [it, fresh] = flows.emplace(flow->second, state);
    if (!fresh && severity(state) > severity(it->second))
      it->second = state;
  }
  return flows;
}

std::map<std::string, std::string> deployer_state::status() const {
  std::map<std::string, std::string> out;
  for (const auto& [id, state] : states)
    if (connectors.count(id))
      out[aliases.at(id)] = to_string(state);
  for (const auto& [flow, state] : flow_states())
    out[flow] = to_string(state);
  return out;
}

value deployer_state::describe() const {
  auto short_name = [](const std::string& alias) {
    auto pos = alias.rfind("::");
    return pos == std::string::npos ? alias : alias.substr(pos + 2);
  };
  auto states_now = flow_states();
  array flow_list;
  for (const auto& flow : flows) {
    array connector_list;
    for (const auto& [id, handle] : connectors) {
      if (flow_of.at(id) != flow)
        continue;
      record pipes;
      if (auto it = links.find(id); it != links.end())
        for (const auto& link : it->second) {
          value* port = pipes.find(link.out_port);
          if (!port)
            port = &pipes.set(link.out_port, value{array{}});
          port->as_array().push_back(value{record{{"alias", short_name(aliases.at(link.target))},
                                                  {"port", link.target_port}}});
        }
      const auto& st = stats.at(id);
      record c;
      c.set("alias", short_name(aliases.at(id)));
      c.set("type", types.at(id));
      c.set("status", to_string(states.at(id)));
      c.set("connectivity", st && st->connected.load() ? "connected" : "disconnected");
      c.set("pipelines", value{std::move(pipes)});
      connector_list.push_back(value{std::move(c)});
    }
    record f;
    f.set("alias", flow);
    auto state = states_now.find(flow);
    f.set("status", to_string(state == states_now.end() ? stage_state::running : state->second));
    f.set("connectors", value{std::move(connector_list)});
    flow_list.push_back(value{std::move(f)});
  }
  return value{record{{"flows", value{std::move(flow_list)}}}};
}

bool deployer_state::set_paused(deployer_actor::pointer self, const std::string& flow,
                                const std::string& connector, bool pause) {
  bool found = false;
  for (const auto& [id, handle] : connectors) {
    if (flow_of.at(id) != flow)
      continue;
    if (!connector.empty() && aliases.at(id) != flow + "::" + connector)
      continue;
    found = true;
    if (pause) {
      paused.insert(id);
      self->send(handle, atom::pause_atom_v);
      if (states[id] == stage_state::running)
        states[id] = stage_state::paused;
    } else {
      paused.erase(id);
      self->send(handle, atom::resume_atom_v);
      if (states[id] == stage_state::paused)
        states[id] = stage_state::running;
    }
  }
  // A flow that exists but has no connectors can still be paused (a no-op).
  return found || (connector.empty() && std::find(flows.begin(), flows.end(), flow) != flows.end());
}

void deployer_state::set_state(deployer_actor::pointer self, uint64_t id, stage_state state) {
  auto& current = states[id];
  // A failed stage stays failed; the flow with it.
  if (current == stage_state::failed)
    return;
  // An operator's pause outlasts a reconnect.
  if (state == stage_state::running && paused.count(id))
    state = stage_state::paused;
  current = state;
  if (state != stage_state::failed || stopping)
    return;
  *exit_code = 1;
  auto flows_now = flow_states();
  size_t failed = 0;
  for (const auto& flow : flows)
    failed += flows_now.count(flow) && flows_now.at(flow) == stage_state::failed;
  log::error("flow `" + flow_of[id] + "` failed (" + aliases[id] + "); " +
             std::to_string(failed) + " of " + std::to_string(flows.size()) + " flow(s) failed");
  if (failed == flows.size() && !keep_serving) {
    log::error("every flow has failed; stopping (run with --keep-serving to keep the process up)");
    stop(self, true, false);
  }
}

namespace {

std::string stage_summary(const stage_stats& s) {
  auto sum = [](const std::vector<std::unique_ptr<port_count>>& ports, const char* only) {
    uint64_t n = 0;
    for (const auto& p : ports)
      if (!only || p->port == only)
        n += p->events.load();
    return n;
  };
  std::string out = "[" + s.alias() + "] ";
  if (s.what() == stage_stats::kind::connector) {
    out += "in " + std::to_string(sum(s.inputs(), nullptr)) + ", out " +
           std::to_string(sum(s.outputs(), "out")) + ", err " +
           std::to_string(sum(s.outputs(), "err"));
  } else {
    out += "in " + std::to_string(sum(s.inputs(), nullptr)) + ", out " +
           std::to_string(sum(s.outputs(), nullptr));
  }
  out += ", dropped " + std::to_string(s.dropped.load()) + ", errors " +
         std::to_string(s.errors.load());
  if (s.acks.load() || s.fails.load())
    out += ", acked " + std::to_string(s.acks.load()) + ", failed " + std::to_string(s.fails.load());
  return out;
}

} // namespace

void deployer_state::stop_now(deployer_actor::pointer self) {
  // What every stage did, once, at the end (the numbers operators ask for
  // first when something went missing).
  for (const auto& [id, s] : stats)
    if (s)
      log::info(stage_summary(*s));
  for (const auto& [id, s] : pipeline_stats)
    if (s)
      log::info(stage_summary(*s));
  for (const auto& [id, handle] : connectors)
    self->send_exit(handle, caf::exit_reason::user_shutdown);
  for (const auto& [id, handle] : pipelines)
    self->send_exit(handle, caf::exit_reason::user_shutdown);
  self->send_exit(supervisor, caf::exit_reason::user_shutdown);
  self->quit();
}

deployer_actor::behavior_type deployer(deployer_actor::stateful_pointer<deployer_state> self,
                                       std::shared_ptr<deployment_plan> plan,
                                       std::shared_ptr<int> exit_code) {
  self->state.exit_code = std::move(exit_code);
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& st = self->state;
    if (st.stopping)
      return;
    for (const auto& [id, alias] : st.aliases) {
      bool is_it = (st.connectors.count(id) && st.connectors.at(id).address() == msg.source) ||
                   (st.pipelines.count(id) && st.pipelines.at(id).address() == msg.source);
      if (!is_it)
        continue;
      log::error("[" + alias + "] stopped unexpectedly: " + to_string(msg.reason));
      st.set_state(self, id, stage_state::failed);
      return;
    }
  });
  spawn_all(self, *plan);
  wire_all(self, *plan);
  return {
    [self](atom::drained_atom, uint64_t id) {
      auto& st = self->state;
      st.drained.insert(id);
      if (st.states[id] != stage_state::failed)
        st.states[id] = stage_state::stopped;
      if (st.stopping && st.drained.size() >= st.connectors.size()) {
        log::info("all connectors drained");
        st.stop_now(self);
      }
    },
    // The flow asks to stop (exit, cb, bench): its file sources finish reading.
    [self](atom::shutdown_atom, uint64_t delay_ns, bool graceful) {
      if (delay_ns == 0)
        self->state.stop(self, graceful, true);
      else
        self->delayed_send(self, std::chrono::nanoseconds(delay_ns), atom::stop_atom_v, graceful,
                           true);
    },
    [self](atom::stop_atom, bool graceful, bool finish_input) {
      self->state.stop(self, graceful, finish_input);
    },
    [self](atom::timeout_atom) {
      auto& st = self->state;
      std::string stuck;
      for (const auto& [id, handle] : st.connectors)
        if (!st.drained.count(id))
          stuck += (stuck.empty() ? "" : ", ") + st.aliases[id];
      log::warning("drain did not finish within " + std::to_string(st.drain_timeout.count()) +
                   " ms (" + std::to_string(st.drained.size()) + " of " +
                   std::to_string(st.connectors.size()) + " connectors drained; still draining: " +
                   stuck + "); stopping");
      *st.exit_code = 1;
      st.stop_now(self);
    },
    [self](atom::status_atom, uint64_t id, stage_state state) {
      self->state.set_state(self, id, state);
    },
    [self](atom::status_atom) { return self->state.status(); },
    [self](caf::get_atom) { return self->state.describe(); },
    [self](atom::pause_atom, const std::string& flow, const std::string& connector) {
      return self->state.set_paused(self, flow, connector, true);
    },
    [self](atom::resume_atom, const std::string& flow, const std::string& connector) {
      return self->state.set_paused(self, flow, connector, false);
    },
  };
}

} // namespace temblor
