#include "runtime/supervisor/supervisor_actor.hpp"

#include <caf/all.hpp>

#include "runtime/system/log.hpp"

namespace temblor {

namespace {

void schedule(supervisor_actor::stateful_pointer<supervisor_state> self, uint64_t id,
              std::optional<std::chrono::milliseconds> wait, const std::string& what) {
  auto it = self->state.connectors.find(id);
  if (it == self->state.connectors.end() || self->state.stopping)
    return;
  auto& c = it->second;
  if (!wait) {
    log::error("[" + c.alias + "] " + what + "; no reconnect left (" +
               std::to_string(c.retries.attempts()) + " retries), the connector has failed");
    self->send(self->state.deployer, atom::status_atom_v, id, stage_state::failed);
    return;
  }
  log::warning("[" + c.alias + "] " + what + "; reconnecting in " + std::to_string(wait->count()) +
               " ms (attempt " + std::to_string(c.retries.attempts()) + ")");
  self->delayed_send(c.handle, *wait, atom::connect_atom_v);
}

} // namespace

supervisor_actor::behavior_type supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
                                           deployer_actor deployer) {
  self->state.deployer = std::move(deployer);
  return {
    [self](atom::start_atom, uint64_t id, std::string& alias, reconnect_policy& policy,
           connectable_actor& handle) {
      self->state.connectors.emplace(
        id, supervised_connector{alias, handle, backoff{policy}, false});
      self->send(handle, atom::connect_atom_v);
    },
    [self](atom::connected_atom, uint64_t id) {
      auto it = self->state.connectors.find(id);
      if (it == self->state.connectors.end())
        return;
      if (it->second.retries.attempts() > 0)
        log::info("[" + it->second.alias + "] reconnected");
      // The retry budget resets when an established connection is lost,
      // not here: a connection its connector reports dropped before any
      // traffic comes back as a failed connect and keeps using the budget.
      it->second.ever_connected = true;
      self->send(self->state.deployer, atom::status_atom_v, id, stage_state::running);
    },
    [self](atom::conn_fail_atom, uint64_t id, std::string& reason) {
      auto it = self->state.connectors.find(id);
      if (it == self->state.connectors.end())
        return;
      // Tremor's `none` policy does not retry a failed *first* connect, but
      // does retry once after a lost connection; a retry of a lost connection
      // that fails again counts as a failed connect.
      schedule(self, id, it->second.retries.after_failed_connect(), "connect failed: " + reason);
    },
    [self](atom::conn_lost_atom, uint64_t id, std::string& reason) {
      auto it = self->state.connectors.find(id);
      if (it == self->state.connectors.end())
        return;
      self->send(self->state.deployer, atom::status_atom_v, id, stage_state::paused);
      auto& c = it->second;
      c.retries.reset();
      schedule(self, id, c.retries.after_lost_connection(), "connection lost: " + reason);
    },
    [self](atom::fault_atom, uint64_t id, std::string& reason) {
      auto it = self->state.connectors.find(id);
      if (it == self->state.connectors.end())
        return;
      log::error("[" + it->second.alias + "] " + reason + "; the connector has failed");
      self->send(self->state.deployer, atom::status_atom_v, id, stage_state::failed);
    },
    [self](atom::stop_atom) { self->state.stopping = true; },
  };
}

} // namespace temblor
