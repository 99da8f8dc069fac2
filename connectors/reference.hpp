#pragma once

// The connector reference in Markdown, generated from the descriptors: one
// section per connector with its summary, codec requirement and config
// keys. The README embeds it (between markers) and a test keeps it current.

#include <string>

#include "connectors/connector.hpp"

namespace temblor::connectors {

std::string reference_markdown(const connector_registry& registry);

} // namespace temblor::connectors
