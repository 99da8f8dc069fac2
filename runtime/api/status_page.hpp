#pragma once

// GET /: a read-only status page, one HTML document with inline script. It
// polls the API every second (/v1/status, /v1/flows/{flow}/connectors,
// /v1/stats), shows each flow's state, each connector's state and rates,
// each pipeline's counts, and draws each flow's graph from
// /v1/flows/{flow}/graph.svg with live rates on its nodes.

#include <string_view>

namespace temblor::api {

/// Returns the page (UTF-8 HTML).
std::string_view status_page_html();

} // namespace temblor::api
