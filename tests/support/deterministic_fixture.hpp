#pragma once

// An actor system on CAF's test coordinator: messages run only when the test
// says so, and time moves only by advance_time(), so timing is asserted
// exactly and nothing sleeps.

#include <caf/all.hpp>

namespace temblor::test {

struct deterministic_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;

  deterministic_fixture()
    : sys(configure(cfg)),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {}

  /// Milliseconds of simulated time since the system started.
  int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             sched.clock().now().time_since_epoch())
      .count();
  }

private:
  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    return cfg;
  }
};

} // namespace temblor::test
