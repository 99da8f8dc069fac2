#include "runtime/pipeline/pipeline_actor.hpp"

#include "dsl/pipeline_program.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "runtime/actors/contraflow_routes.hpp"
#include "runtime/actors/metrics_ticker.hpp"
#include "runtime/system/log.hpp"

namespace temblor {

void pipeline_state::dispatch(dsl::pipeline_output& out,
                              const std::shared_ptr<credit_token>& credit) {
  for (const auto& error : out.errors)
    log::error("[" + alias + "] " + error);
  stats->errors.fetch_add(out.errors.size(), std::memory_order_relaxed);
  out.errors.clear();
  if (out.events.empty())
    return;
  // Group by port, keeping order within each port.
  std::map<std::string, std::vector<event>> by_port;
  for (auto& e : out.events)
    by_port[e.port].push_back(std::move(e.ev));
  out.events.clear();
  // Events on an unconnected port end here, without ack or fail (Tremor).
  for (auto& [port, events] : by_port) {
    if (outputs.linked(port))
      stats->count_out(port, events.size());
    else
      stats->dropped.fetch_add(events.size(), std::memory_order_relaxed);
    outputs.send(port, events, credit);
  }
}

void pipeline_state::contraflow(bool acked, const event_id& ev_id) {
  uint64_t now = now_ns();
  runner->contraflow(acked, ev_id, now);
  update_breaker(now);
}

void pipeline_state::update_breaker(uint64_t now) {
  bool pause = runner->pauses_upstream(now);
  if (pause == pausing_upstream)
    return;
  pausing_upstream = pause;
  for (const auto& source : wiring.upstream_sources) {
    if (pause)
      caf::anon_send(source, atom::cb_trigger_atom_v, id);
    else
      caf::anon_send(source, atom::cb_restore_atom_v, id);
  }
}

void pipeline_state::maybe_drain() {
  if (drained || drain_markers < wiring.upstream_count)
    return;
  drained = true;
  dsl::pipeline_output out;
  runner->flush(out);
  dispatch(out, nullptr);
  outputs.send_drain_markers(id);
}

void pipeline_state::fault(const std::string& what, size_t lost,
                           const std::vector<event_id>& transactional) {
  ++faults;
  for (const auto& ev_id : transactional)
    route_to_origins(wiring.ack_targets, atom::fail_atom_v, ev_id);
  log::error("[" + alias + "] pipeline fault: " + what + " (" + std::to_string(lost) +
             " event(s) lost, " + std::to_string(transactional.size()) + " failed upstream)");
  if (deployer)
    caf::anon_send(deployer, atom::status_atom_v, id, stage_state::failed);
}

pipeline_actor::behavior_type pipeline(pipeline_actor::stateful_pointer<pipeline_state> self,
                                       uint64_t id, std::string alias,
                                       std::shared_ptr<const dsl::pipeline_program> program,
                                       deployer_actor deployer, std::shared_ptr<stage_stats> stats,
                                       std::shared_ptr<metrics_hub> metrics) {
  if (!stats)
    stats = std::make_shared<stage_stats>(stage_stats::kind::pipeline, alias, "", "pipeline",
                                          program->in_ports, program->out_ports);
  self->state.stats = std::move(stats);
  self->state.metrics = metrics ? std::move(metrics) : std::make_shared<metrics_hub>();
  self->state.id = id;
  self->state.alias = std::move(alias);
  self->state.deployer = std::move(deployer);
  self->state.runner = dsl::make_pipeline_runner(*program, id);
  return {
    [self](atom::start_atom, pipeline_wiring& wiring) -> caf::ok_atom {
      auto& st = self->state;
      st.wiring = std::move(wiring);
      st.outputs = stage_outputs(st.wiring.outputs);
      if (auto interval = st.runner->tick_interval_ns(); interval > 0)
        self->delayed_send(self, std::chrono::nanoseconds(interval), atom::tick_atom_v);
      schedule_metrics(self, *st.stats);
      return caf::ok_atom_v;
    },
    [self](atom::event_atom, std::string& port, event_batch& batch) {
      auto& st = self->state;
      st.stats->count_in(port, batch.events.size());
      dsl::pipeline_output out;
      // Events are moved into the query: keep what a fault must fail.
      std::vector<event_id> transactional;
      for (const auto& ev : batch.events)
        if (ev.transactional)
          transactional.push_back(ev.id);
      try {
        for (auto& ev : batch.events)
          st.runner->process(port, std::move(ev), out);
      } catch (const std::exception& e) {
        st.fault(e.what(), batch.events.size(), transactional);
        return;
      }
      st.dispatch(out, batch.credit);
    },
    [self](atom::drain_atom, uint64_t) {
      ++self->state.drain_markers;
      self->state.maybe_drain();
    },
    [self](atom::drain_atom) { self->state.maybe_drain(); },
    [self](atom::ack_atom, const event_id& id) { self->state.contraflow(true, id); },
    [self](atom::fail_atom, const event_id& id) { self->state.contraflow(false, id); },
    [self](atom::tick_atom) {
      auto& st = self->state;
      dsl::pipeline_output out;
      uint64_t now = now_ns();
      st.runner->tick(now, out);
      st.dispatch(out, nullptr);
      st.update_breaker(now);
      if (!st.drained)
        self->delayed_send(self, std::chrono::nanoseconds(st.runner->tick_interval_ns()),
                           atom::tick_atom_v);
    },
    [self](atom::metrics_atom) {
      auto& st = self->state;
      publish_metrics(*st.metrics, *st.stats);
      if (!st.drained)
        schedule_metrics(self, *st.stats);
    },
  };
}

} // namespace temblor
