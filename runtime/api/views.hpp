#pragma once

// Tremor's REST bodies, cut from the deployer's view of every flow
// (`caf::get_atom` on the deployer: {"flows": [{"alias", "status",
// "connectors": [{"alias", "type", "status", "connectivity", "pipelines"}]}]}).
// Plain functions over values: the shapes and status codes are unit-tested.

#include <string>

#include "runtime/core/value.hpp"

namespace temblor::api {

/// A status code and the value to render as the body.
struct reply {
  unsigned status = 200;
  value body;
};

/// Returns Tremor's error body {"error": message} with `status`.
reply error_reply(unsigned status, std::string message);

/// GET /v1/status: {all_running, num_flows, flows: {state: count}}; 200
/// while every flow is running, paused or initializing, else 503.
reply status_reply(const value& view);

/// GET /v1/flows: [{alias, status, connectors: [alias…]}].
reply flows_reply(const value& view);

/// GET /v1/flows/{flow}: {alias, status, connectors: [alias…]}; 404 when unknown.
reply flow_reply(const value& view, const std::string& flow);

/// GET /v1/flows/{flow}/connectors: [{alias, status, connectivity, pipelines}].
reply connectors_reply(const value& view, const std::string& flow);

/// GET /v1/flows/{flow}/connectors/{connector}: {alias, status, connectivity,
/// pipelines: {port: [{alias, port}]}}; 404 when the flow or connector is unknown.
reply connector_reply(const value& view, const std::string& flow, const std::string& connector);

/// Returns the flow named `flow` in the view, or nullptr.
const value* find_flow(const value& view, const std::string& flow);

/// Returns the connector `alias` of a flow from find_flow(), or nullptr.
const value* find_connector(const value& flow, const std::string& alias);

} // namespace temblor::api
