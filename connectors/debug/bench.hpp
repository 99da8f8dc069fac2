#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `bench`: replays a file's lines from memory at full speed (source) and
/// measures throughput and latency of what comes back (sink), then stops.
const connector_descriptor& bench_descriptor();

} // namespace temblor::connectors
