#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `metrics`: Tremor's metrics channel as a connector. Its source emits every
/// measurement stages publish (connectors and pipelines with
/// `metrics_interval_s`); its sink publishes the events it gets.
const connector_descriptor& metrics_descriptor();

} // namespace temblor::connectors
