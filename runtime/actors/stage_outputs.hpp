#pragma once

// The output ports of a stage (connector or pipeline) and the stages linked
// to them: sends a batch to every target of a port and drain markers to
// every distinct target, so connectors and pipelines fan out alike.

#include <algorithm>
#include <string>
#include <vector>

#include <caf/send.hpp>

#include "runtime/actors/interfaces.hpp"

namespace temblor {

class stage_outputs {
public:
  stage_outputs() = default;
  explicit stage_outputs(std::vector<port_link> links) : links_(std::move(links)) {}

  bool linked(const std::string& port) const {
    return std::any_of(links_.begin(), links_.end(),
                       [&](const port_link& l) { return l.out_port == port; });
  }

  /// Sends `events` (moved; left empty) out of `port` with `credit`; a port
  /// nothing is linked to drops them (Tremor: no ack, no fail).
  void send(const std::string& port, std::vector<event>& events,
            std::shared_ptr<credit_token> credit) const {
    const port_link* first = nullptr;
    event_batch batch;
    batch.credit = std::move(credit);
    for (const auto& link : links_) {
      if (link.out_port != port)
        continue;
      // Every extra target gets a copy; the last one takes the original.
      if (first) {
        batch.events = events;
        caf::anon_send(first->target, atom::event_atom_v, first->target_port, batch);
      }
      first = &link;
    }
    if (first) {
      batch.events = std::move(events);
      caf::anon_send(first->target, atom::event_atom_v, first->target_port, std::move(batch));
    }
    events.clear();
  }

  /// Tells every distinct stage downstream that stage `id` is drained.
  void send_drain_markers(uint64_t id) const {
    std::vector<event_sink_actor> notified;
    for (const auto& link : links_) {
      if (std::find(notified.begin(), notified.end(), link.target) != notified.end())
        continue;
      notified.push_back(link.target);
      caf::anon_send(link.target, atom::drain_atom_v, id);
    }
  }

private:
  std::vector<port_link> links_;
};

} // namespace temblor
