#pragma once

// Headers as event values, both ways: `{"name": ["value", …]}` in metadata
// (Tremor's shape), and `{"name": "value" | ["value", …]}` from configs and
// `$http_server.response.headers` / `$http_client.request.headers`.

#include <string>

#include "connectors/http/server/request.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors::http {

/// Returns `{name: [values]}`, repeated names gathered in order.
value headers_to_value(const http_headers& headers);

/// Appends the headers of `v` (a record or null) to `out`. Values may be
/// strings, numbers, booleans or lists of them; false with `err` naming the
/// header otherwise.
bool value_to_headers(const value& v, http_headers& out, std::string& err);

/// Replaces every header named `name` (case-insensitively) in `headers` by
/// those of `from` with that name.
void override_headers(http_headers& headers, const http_headers& from);

} // namespace temblor::connectors::http
