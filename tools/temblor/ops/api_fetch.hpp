#pragma once

// GET one document of a running Temblor's REST API (JSON), for the
// commands that read it (`status`, `top`). Blocking, with a timeout: these
// are one-shot command-line tools, not part of the runtime.

#include <chrono>
#include <string>

#include "runtime/core/value.hpp"

namespace temblor::ops {

struct fetched {
  unsigned status = 0;  ///< HTTP status; 0 when no answer came
  value body;           ///< the decoded JSON body
};

/// GETs http://ADDRESS/PATH; false with `err` naming the URL and what went
/// wrong (refused, timed out, not JSON).
bool fetch_json(const std::string& address, const std::string& path, std::chrono::milliseconds timeout,
                fetched& out, std::string& err);

} // namespace temblor::ops
