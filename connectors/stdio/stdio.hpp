#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `stdio`: reads stdin (port out); writes stdout (ports in, stdout) and stderr (port stderr).
const connector_descriptor& stdio_descriptor();

} // namespace temblor::connectors
