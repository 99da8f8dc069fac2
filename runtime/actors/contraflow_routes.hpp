#pragma once

// Sends the ack or fail of an event to every source and pipeline its id
// names (its origins), one message per stage.

#include <algorithm>
#include <cstdint>
#include <map>

#include <caf/send.hpp>

#include "runtime/actors/interfaces.hpp"

namespace temblor {

template <class Atom>
void route_to_origins(const std::map<uint64_t, ack_target_actor>& targets, Atom atom,
                      const event_id& id) {
  // Each stage picks its own entries out of the id. Ids name few stages, so
  // looking back beats building a set.
  const auto& origins = id.origins();
  for (auto origin = origins.begin(); origin != origins.end(); ++origin) {
    auto same_stage = [&](const event_origin& o) { return o.source == origin->source; };
    if (std::any_of(origins.begin(), origin, same_stage))
      continue;
    auto it = targets.find(origin->source);
    if (it != targets.end())
      caf::anon_send(it->second, atom, id);
  }
}

} // namespace temblor
