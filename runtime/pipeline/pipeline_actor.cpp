#include "runtime/pipeline/pipeline_actor.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "runtime/system/log.hpp"

namespace temblor {

void pipeline_state::dispatch(pipeline_actor::pointer self, dsl::pipeline_output& out,
                              const std::shared_ptr<credit_token>& credit) {
  for (const auto& error : out.errors)
    log::error("[" + alias + "] " + error);
  out.errors.clear();
  if (out.events.empty())
    return;
  // Group by port, keeping order within each port.
  std::map<std::string, std::vector<event>> by_port;
  for (auto& e : out.events)
    by_port[e.port].push_back(std::move(e.ev));
  out.events.clear();
  for (auto& [port, events] : by_port) {
    std::vector<const port_link*> targets;
    for (const auto& link : outputs)
      if (link.out_port == port)
        targets.push_back(&link);
    // Events on an unconnected port end here, without ack or fail (Tremor).
    if (targets.empty())
      continue;
    event_batch batch;
    batch.events = std::move(events);
    batch.credit = credit;
    for (size_t i = 0; i + 1 < targets.size(); ++i)
      self->send(targets[i]->target, atom::event_atom_v, targets[i]->target_port, batch);
    self->send(targets.back()->target, atom::event_atom_v, targets.back()->target_port,
               std::move(batch));
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
  for (const auto& source : upstream_sources) {
    if (pause)
      caf::anon_send(source, atom::cb_trigger_atom_v, id);
    else
      caf::anon_send(source, atom::cb_restore_atom_v, id);
  }
}

void pipeline_state::maybe_drain(pipeline_actor::pointer self) {
  if (drained || drain_markers < upstream_count)
    return;
  drained = true;
  dsl::pipeline_output out;
  runner->flush(out);
  dispatch(self, out, nullptr);
  std::vector<event_sink_actor> notified;
  for (const auto& link : outputs) {
    if (std::find(notified.begin(), notified.end(), link.target) != notified.end())
      continue;
    notified.push_back(link.target);
    self->send(link.target, atom::drain_atom_v, id);
  }
}

pipeline_actor::behavior_type pipeline(pipeline_actor::stateful_pointer<pipeline_state> self,
                                       uint64_t id, std::string alias,
                                       std::shared_ptr<const dsl::pipeline_program> program) {
  self->state.id = id;
  self->state.alias = std::move(alias);
  self->state.runner = dsl::make_pipeline_runner(*program, id);
  return {
    [self](atom::start_atom, pipeline_wiring& wiring) -> caf::ok_atom {
      auto& st = self->state;
      st.outputs = std::move(wiring.outputs);
      st.upstream_count = wiring.upstream_count;
      st.upstream_sources = std::move(wiring.upstream_sources);
      if (auto interval = st.runner->tick_interval_ns(); interval > 0)
        self->delayed_send(self, std::chrono::nanoseconds(interval), atom::tick_atom_v);
      return caf::ok_atom_v;
    },
    [self](atom::event_atom, std::string& port, event_batch& batch) {
      auto& st = self->state;
      dsl::pipeline_output out;
      for (auto& ev : batch.events)
        st.runner->process(port, std::move(ev), out);
      st.dispatch(self, out, batch.credit);
    },
    [self](atom::drain_atom, uint64_t) {
      ++self->state.drain_markers;
      self->state.maybe_drain(self);
    },
    [self](atom::drain_atom) { self->state.maybe_drain(self); },
    [self](atom::ack_atom, const event_id& id) { self->state.contraflow(true, id); },
    [self](atom::fail_atom, const event_id& id) { self->state.contraflow(false, id); },
    [self](atom::tick_atom) {
      auto& st = self->state;
      dsl::pipeline_output out;
      uint64_t now = now_ns();
      st.runner->tick(now, out);
      st.dispatch(self, out, nullptr);
      st.update_breaker(now);
      if (!st.drained)
        self->delayed_send(self, std::chrono::nanoseconds(st.runner->tick_interval_ns()),
                           atom::tick_atom_v);
    },
  };
}

} // namespace temblor
