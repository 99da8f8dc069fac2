#pragma once

// The conditions a before step waits for, and the polling loop over them.

#include <chrono>
#include <string>

#include "tools/temblor/harness/child_process.hpp"
#include "tools/temblor/harness/step_spec.hpp"
#include "tools/temblor/harness/stop_condition.hpp"

namespace temblor::harness {

/// Tries one TCP connect to `target` (a port, or host:port) on localhost,
/// IPv4 then IPv6; true when something accepts within `timeout`.
bool port_open(const std::string& target, std::chrono::milliseconds timeout);

/// Sends one `GET` to an http:// URL and returns true on a 2xx status line.
/// `detail` receives what went wrong otherwise (https is not supported).
bool http_ok(const std::string& url, std::chrono::milliseconds timeout, std::string& detail);

/// Waits until every condition of `spec` holds for the before process
/// `process`, started in `dir`. Conditions are checked every 100 ms until
/// they all hold or max-await-secs has passed (with 0, a single check), then
/// min-await-secs is slept. `wait-for-ms` sleeps until that long after the
/// process started; `status` waits for it to exit and compares the code;
/// `file-exists` paths are relative to `dir`. Returns "" on success, else what
/// did not hold. `stop` bounds every wait (test timeout, interrupt).
std::string await_ready(const await_spec& spec, child_process& process, const std::string& dir,
                        const stop_condition& stop);

} // namespace temblor::harness
