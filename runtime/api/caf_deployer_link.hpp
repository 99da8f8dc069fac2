#pragma once

// The deployer_link of a running process. A small gateway actor, spawned
// with the link (on the thread that builds it, never on an event loop: CAF
// pins its logger to any thread that spawns, and the actor system's
// destructor then waits for that thread forever), takes each call as a
// message sent from the loop, asks the deployer with a timeout and hands
// the answer back through the message's reply_once. The loop never waits.
// The gateway ends when the deployer does.

#include <chrono>
#include <string>

#include "runtime/actors/interfaces.hpp"
#include "runtime/api/deployer_link.hpp"
#include "runtime/api/reply_once.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace temblor::api {

using view_answer = reply_once<value>;
using found_answer = reply_once<bool>;

} // namespace temblor::api

// Callbacks cannot be serialized; these messages never leave the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::api::view_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(temblor::api::found_answer)

namespace temblor::api {

/// The gateway: API (any thread) -> gateway -> deployer, answers back
/// through the reply_once.
using api_gateway_actor = caf::typed_actor<
  caf::reacts_to<caf::get_atom, view_answer>,
  caf::reacts_to<atom::pause_atom, std::string, std::string, found_answer>,
  caf::reacts_to<atom::resume_atom, std::string, std::string, found_answer>>;

class caf_deployer_link final : public deployer_link {
public:
  /// Spawns the gateway; call on a thread that is not an event loop.
  caf_deployer_link(caf::actor_system& system, deployer_actor deployer,
                    std::chrono::milliseconds timeout);

  void describe(std::function<void(std::optional<value>)> done) override;
  void set_paused(const std::string& flow, const std::string& connector, bool pause,
                  std::function<void(std::optional<bool>)> done) override;

private:
  api_gateway_actor gateway_;
};

} // namespace temblor::api
