#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `file`: reads a file (mode "read") or writes one (write/truncate/append/overwrite).
const connector_descriptor& file_descriptor();

} // namespace temblor::connectors
