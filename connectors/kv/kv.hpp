#pragma once

#include "connectors/connector.hpp"

namespace temblor::connectors {

/// `kv`: Tremor's key-value store connector on LMDB. Commands arrive in
/// `$kv`; replies leave on `out` with `$kv = {op, ok: key}` and the event's
/// `$correlation`, errors on `err`; values are stored as sorted JSON.
const connector_descriptor& kv_descriptor();

} // namespace temblor::connectors
