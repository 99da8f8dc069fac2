#pragma once

// The deployer_link of a running process: each call spawns a short-lived
// actor that sends one request to the deployer (with a timeout) and hands
// the answer to the callback; the caller's thread (an event loop) never
// waits on CAF.

#include <chrono>

#include "runtime/actors/interfaces.hpp"
#include "runtime/api/deployer_link.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace temblor::api {

class caf_deployer_link final : public deployer_link {
public:
  caf_deployer_link(caf::actor_system& system, deployer_actor deployer,
                    std::chrono::milliseconds timeout);

  void describe(std::function<void(std::optional<value>)> done) override;
  void set_paused(const std::string& flow, const std::string& connector, bool pause,
                  std::function<void(std::optional<bool>)> done) override;

private:
  caf::actor_system& system_;
  deployer_actor deployer_;
  std::chrono::milliseconds timeout_;
};

} // namespace temblor::api
