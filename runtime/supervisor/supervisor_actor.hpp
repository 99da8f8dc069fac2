#pragma once

// Owns every connector's connection lifecycle: asks it to connect, and on a
// failed connect or lost connection schedules the next attempt from the
// connector's reconnect policy, or marks it Failed once retries run out.

#include <map>
#include <string>

#include "runtime/actors/interfaces.hpp"
#include "runtime/supervisor/reconnect_policy.hpp"

namespace temblor {

struct supervised_connector {
  std::string alias;
  connectable_actor handle;
  backoff retries;
  bool ever_connected = false;
};

struct supervisor_state {
  static inline const char* name = "supervisor";
  deployer_actor deployer;
  std::map<uint64_t, supervised_connector> connectors;
  bool stopping = false;
};

supervisor_actor::behavior_type supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
                                           deployer_actor deployer);

} // namespace temblor
