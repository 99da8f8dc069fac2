#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors::kafka {

/// `kafka_consumer`: reads topics as a member of a Kafka consumer group
/// (librdkafka); in transactional modes commits only offsets below every
/// unacknowledged event and rewinds a partition on a failed one.
const connector_descriptor& kafka_consumer_descriptor();

} // namespace temblor::connectors::kafka
