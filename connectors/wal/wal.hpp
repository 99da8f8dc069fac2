#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `wal`: a write-ahead log on LMDB. As a sink it persists every event
/// (one synced transaction per batch) before acking it upstream; as a
/// source it replays what is persisted until each event is acked, across
/// restarts, rewinding to a failed one.
const connector_descriptor& wal_descriptor();

} // namespace temblor::connectors
