#include "runtime/api/caf_deployer_link.hpp"

#include <caf/all.hpp>

namespace temblor::api {

caf_deployer_link::caf_deployer_link(caf::actor_system& system, deployer_actor deployer,
                                     std::chrono::milliseconds timeout)
  : system_(system), deployer_(std::move(deployer)), timeout_(timeout) {}

// The spawned actor has no behaviour of its own: it lives until its one
// response (or the timeout's error) has been handled, then ends.
void caf_deployer_link::describe(std::function<void(std::optional<value>)> done) {
  system_.spawn([deployer = deployer_, timeout = timeout_,
                 done = std::move(done)](caf::event_based_actor* self) {
    self->request(deployer, timeout, caf::get_atom_v)
      .then([done](value& view) { done(std::move(view)); },
            [done](caf::error&) { done(std::nullopt); });
  });
}

void caf_deployer_link::set_paused(const std::string& flow, const std::string& connector,
                                   bool pause, std::function<void(std::optional<bool>)> done) {
  system_.spawn([deployer = deployer_, timeout = timeout_, flow, connector, pause,
                 done = std::move(done)](caf::event_based_actor* self) {
    auto reply = [done](bool found) { done(found); };
    auto fail = [done](caf::error&) { done(std::nullopt); };
    if (pause)
      self->request(deployer, timeout, atom::pause_atom_v, flow, connector).then(reply, fail);
    else
      self->request(deployer, timeout, atom::resume_atom_v, flow, connector).then(reply, fail);
  });
}

} // namespace temblor::api
