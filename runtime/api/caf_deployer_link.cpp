#include "runtime/api/caf_deployer_link.hpp"

#include <caf/all.hpp>

namespace temblor::api {

namespace {

api_gateway_actor::behavior_type gateway(api_gateway_actor::pointer self, deployer_actor deployer,
                                         std::chrono::milliseconds timeout) {
  self->monitor(deployer);
  self->set_down_handler([self](const caf::down_msg&) { self->quit(); });
  // A failed request (timeout, deployer gone) answers nullopt.
  auto ask_pause = [self, deployer, timeout](auto atom, const std::string& flow,
                                             const std::string& connector, found_answer answer) {
    self->request(deployer, timeout, atom, flow, connector)
      .then([answer](bool found) { answer(found); },
            [answer](caf::error&) { answer(std::nullopt); });
  };
  return {
    [self, deployer, timeout](caf::get_atom, view_answer answer) {
      self->request(deployer, timeout, caf::get_atom_v)
        .then([answer](value& view) { answer(std::move(view)); },
              [answer](caf::error&) { answer(std::nullopt); });
    },
    [ask_pause](atom::pause_atom a, const std::string& flow, const std::string& connector,
                found_answer answer) { ask_pause(a, flow, connector, std::move(answer)); },
    [ask_pause](atom::resume_atom a, const std::string& flow, const std::string& connector,
                found_answer answer) { ask_pause(a, flow, connector, std::move(answer)); },
  };
}

} // namespace

caf_deployer_link::caf_deployer_link(caf::actor_system& system, deployer_actor deployer,
                                     std::chrono::milliseconds timeout)
  : gateway_(system.spawn(gateway, std::move(deployer), timeout)) {}

// anon_send only enqueues: safe from an event loop, and a gateway that is
// gone drops the message, whose reply_once then answers nullopt.
void caf_deployer_link::describe(std::function<void(std::optional<value>)> done) {
  caf::anon_send(gateway_, caf::get_atom_v, view_answer{std::move(done)});
}

void caf_deployer_link::set_paused(const std::string& flow, const std::string& connector,
                                   bool pause, std::function<void(std::optional<bool>)> done) {
  if (pause)
    caf::anon_send(gateway_, atom::pause_atom_v, flow, connector, found_answer{std::move(done)});
  else
    caf::anon_send(gateway_, atom::resume_atom_v, flow, connector, found_answer{std::move(done)});
}

} // namespace temblor::api
