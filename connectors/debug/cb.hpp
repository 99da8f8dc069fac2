#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `cb`: a source replaying files as transactional events that reports the
/// acks and fails it got, and a sink that answers events with the contraflow
/// named in their `cb` field. For testing delivery guarantees.
const connector_descriptor& cb_descriptor();

} // namespace temblor::connectors
