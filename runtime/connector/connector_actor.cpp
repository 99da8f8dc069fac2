#include "runtime/connector/connector_actor.hpp"

#include <caf/all.hpp>

#include "runtime/actors/contraflow_routes.hpp"
#include "runtime/actors/metrics_ticker.hpp"
#include "runtime/system/log.hpp"

namespace temblor {

// -- outbox -----------------------------------------------------------------------

connector_state::~connector_state() {
  if (machine)
    machine->stop();
}

template <class F>
void connector_state::guarded(F f) {
  if (!machine)
    return;
  std::string what;
  try {
    f(*machine);
    return;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  try {
    machine->fault(what);
  } catch (const std::exception& e) {
    // The restart itself failed: nothing more this connector can do.
    log::error("[" + alias + "] cannot restart after a fault: " + e.what());
    tell_supervisor(connection_report::failed, what);
  }
}

void connector_state::send(const std::string& port, std::vector<event>& events,
                           std::shared_ptr<credit_token> credit) {
  outputs.send(port, events, std::move(credit));
}

void connector_state::send_drain_markers() { outputs.send_drain_markers(id); }

void connector_state::ack(const event_id& ev_id) {
  route_to_origins(wiring.ack_targets, atom::ack_atom_v, ev_id);
}

void connector_state::fail(const event_id& ev_id) {
  route_to_origins(wiring.ack_targets, atom::fail_atom_v, ev_id);
}

void connector_state::circuit_breaker(bool open_for_traffic) {
  for (const auto& source : wiring.upstream_sources) {
    if (open_for_traffic)
      caf::anon_send(source, atom::cb_restore_atom_v, id);
    else
      caf::anon_send(source, atom::cb_trigger_atom_v, id);
  }
}

void connector_state::tell_supervisor(connection_report what, const std::string& reason) {
  switch (what) {
    case connection_report::connected:
      self->send(wiring.supervisor, atom::connected_atom_v, id);
      break;
    case connection_report::connect_failed:
      self->send(wiring.supervisor, atom::conn_fail_atom_v, id, reason);
      break;
    case connection_report::lost:
      self->send(wiring.supervisor, atom::conn_lost_atom_v, id, reason);
      break;
    case connection_report::failed:
      self->send(wiring.supervisor, atom::fault_atom_v, id, reason);
      break;
  }
}

void connector_state::report_drained() { self->send(wiring.deployer, atom::drained_atom_v, id); }

void connector_state::request_shutdown(uint64_t delay_ns, bool graceful) {
  if (wiring.deployer)
    self->send(wiring.deployer, atom::shutdown_atom_v, delay_ns, graceful);
}

void connector_state::schedule_pull(uint64_t delay_ns) {
  if (delay_ns == 0)
    self->send(self, atom::pull_atom_v);
  else
    self->delayed_send(self, std::chrono::nanoseconds(delay_ns), atom::pull_atom_v);
}

void connector_state::pull_on_blocking_pool() {
  auto guard = machine->guard();
  guard->begin();
  // The pool thread is not the actor's: what pull() hands the context is
  // queued (and decoded there), and taken before `pulled` is handled.
  auto owner = connector_actor{self};
  services.blocking->post([pull = machine->lend_pull(), guard, owner]() mutable {
    auto& impl = pull.impl;
    bool more = false;
    std::string failure;
    try {
      more = pull.run(now_ns());
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown exception";
    }
    if (guard->end()) {
      impl->stop(); // the actor stopped meanwhile
      return;
    }
    if (!failure.empty())
      caf::anon_send(owner, atom::fault_atom_v, std::move(failure));
    else
      caf::anon_send(owner, atom::pulled_atom_v, more);
  });
}

void connector_state::log(connectors::log_level level, const std::string& message) {
  std::string line = "[" + alias + "] " + message;
  switch (level) {
    case connectors::log_level::debug: log::debug(line); break;
    case connectors::log_level::info: log::info(line); break;
    case connectors::log_level::warning: log::warning(line); break;
    case connectors::log_level::error: log::error(line); break;
  }
}

// -- behavior ----------------------------------------------------------------------

connector_actor::behavior_type connector(connector_actor::stateful_pointer<connector_state> self,
                                         connector_spec spec) {
  auto& st = self->state;
  st.self = self;
  st.id = spec.id;
  st.alias = spec.alias;
  st.services = spec.services;
  connector_machine::settings settings;
  settings.id = spec.id;
  settings.alias = spec.alias;
  settings.blocking = spec.blocking;
  settings.stats = spec.stats;
  settings.metrics = spec.metrics.get();
  st.metrics = spec.metrics;
  auto handle = connector_actor{self};
  spec.context->set_wake([handle] { caf::anon_send(handle, atom::data_atom_v); });
  st.machine = std::make_unique<connector_machine>(
    settings, std::move(spec.impl), std::move(spec.ports), std::move(spec.codec),
    std::move(spec.context), st, [handle] { caf::anon_send(handle, atom::pull_atom_v); },
    std::move(spec.rebuild));
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    if (self->state.machine)
      self->state.machine->stop();
    self->quit(msg.reason);
  });
  return {
    [self](atom::start_atom, connector_wiring& wiring) -> caf::ok_atom {
      auto& st = self->state;
      st.wiring = std::move(wiring);
      st.outputs = stage_outputs(st.wiring.outputs);
      st.guarded([&](connector_machine& m) {
        m.start(st.services, st.wiring.upstream_count, st.outputs.linked("out"),
                st.wiring.downstream_sinks);
      });
      schedule_metrics(self, st.machine->stats());
      return caf::ok_atom_v;
    },
    [self](atom::connect_atom) {
      self->state.guarded([](connector_machine& m) { m.connect(); });
    },
    [self](atom::event_atom, std::string& port, event_batch& batch) {
      self->state.guarded([&](connector_machine& m) { m.write(port, batch); });
    },
    [self](atom::drain_atom, uint64_t) {
      self->state.guarded([](connector_machine& m) { m.drain_marker(); });
    },
    [self](atom::drain_atom, bool finish_input) {
      self->state.guarded([&](connector_machine& m) { m.drain(finish_input); });
    },
    [self](atom::stop_atom) {
      if (self->state.machine)
        self->state.machine->stop();
      self->quit();
    },
    [self](atom::pull_atom) { self->state.guarded([](connector_machine& m) { m.pull(); }); },
    [self](atom::pulled_atom, bool more) {
      self->state.guarded([&](connector_machine& m) { m.pulled(more); });
    },
    [self](atom::fault_atom, std::string& what) {
      self->state.guarded([&](connector_machine& m) { m.fault(what); });
    },
    [self](atom::ack_atom, const event_id& ev_id) {
      self->state.guarded([&](connector_machine& m) { m.contraflow(true, ev_id); });
    },
    [self](atom::fail_atom, const event_id& ev_id) {
      self->state.guarded([&](connector_machine& m) { m.contraflow(false, ev_id); });
    },
    [self](atom::cb_trigger_atom, uint64_t sink) {
      self->state.guarded([&](connector_machine& m) { m.trigger(sink); });
    },
    [self](atom::cb_restore_atom, uint64_t sink) {
      self->state.guarded([&](connector_machine& m) { m.restore(sink); });
    },
    [self](atom::pause_atom) {
      self->state.guarded([](connector_machine& m) { m.set_paused(true); });
    },
    [self](atom::resume_atom) {
      self->state.guarded([](connector_machine& m) { m.set_paused(false); });
    },
    [self](atom::data_atom) {
      self->state.guarded([](connector_machine& m) { m.take_calls(); });
    },
    [self](atom::metrics_atom) {
      auto& st = self->state;
      if (st.metrics)
        publish_metrics(*st.metrics, st.machine->stats());
      schedule_metrics(self, st.machine->stats());
    },
  };
}

} // namespace temblor
