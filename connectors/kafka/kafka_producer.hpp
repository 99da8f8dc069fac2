#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors::kafka {

/// `kafka_producer`: writes events to a topic (librdkafka); an event is acked
/// once the broker acknowledged every message made of it.
const connector_descriptor& kafka_producer_descriptor();

} // namespace temblor::connectors::kafka
