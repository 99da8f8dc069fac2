#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `metronome`: emits `{"connector": "metronome", "ingest_ns": t, "id": n}` every `interval` ns.
const connector_descriptor& metronome_descriptor();

} // namespace temblor::connectors
