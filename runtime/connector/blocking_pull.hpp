#pragma once

// One pull of a blocking source (a file), as the blocking pool runs it: the
// implementation's pull(), then the decoding of what it handed the context,
// on the same thread. The actor then only batches ready events: reading and
// decoding the next chunk overlaps the pipeline and the sinks working on the
// last one, and one message per pull crosses threads instead of a wake-up per
// chunk read (whose timing decided how large the batches were).

#include <memory>

#include "connectors/connector.hpp"
#include "runtime/connector/context_queue.hpp"
#include "runtime/connector/stream_decoders.hpp"

namespace temblor {

struct blocking_pull {
  std::shared_ptr<connectors::connector> impl;
  /// Held from the lend (connector_machine::lend_pull) until run() returns.
  std::shared_ptr<context_queue> context;
  std::shared_ptr<stream_decoders> decoders; ///< null: nothing to decode

  /// Returns what pull() returned; an exception from it propagates once the
  /// context is released.
  bool run(uint64_t now_ns);
};

} // namespace temblor
