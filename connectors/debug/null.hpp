#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `null`: a sink that discards every event (and acks it); a source that emits nothing.
const connector_descriptor& null_descriptor();

} // namespace temblor::connectors
