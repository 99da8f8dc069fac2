#pragma once

// http_client: every event on `in` is a request (`$http_client.request`
// overrides method, url and headers; the payload is the body); its response
// is an event on `out` (`$http_client.response`, `$correlation` copied),
// and a transport error or timeout an event on `err`. Transactional events
// are acked when the response arrives (4xx/5xx included) and failed on an
// error. At most `concurrency` requests are in flight; the circuit breaker
// holds upstream back meanwhile.

#include "connectors/connector.hpp"

namespace temblor::connectors::http {

/// Returns the registry entry for `http_client`.
const connector_descriptor& http_client_descriptor();

} // namespace temblor::connectors::http
