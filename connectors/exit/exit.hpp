#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `exit`: the first event stops the process (after `delay` ns; `graceful` drains first).
const connector_descriptor& exit_descriptor();

} // namespace temblor::connectors
