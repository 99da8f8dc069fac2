#pragma once

// The operators that adapt to how downstream sinks cope, driven by the
// acks and fails that come back for the events they let through:
// `qos::backpressure` (also spelled `generic::backpressure`) and
// `qos::percentile`. Both send what they hold back to their `overflow` port.

#include <memory>
#include <string>

#include "dsl/operators.hpp"

namespace temblor::dsl {

/// Config: `timeout` (default 100 ms; Tremor 0.12 counts it in ms, 0.13 in
/// ns, told apart by size: from one million up it is ns) is the slowest
/// acceptable ack;
/// `steps` (ms, default 50, 100, 250, 500, 1000, 5000, 10000) the backoff
/// ladder climbed on every fail or slow ack; `method` is `discard`
/// (default: events go to `overflow` during a backoff) or `pause` (the
/// pipeline's sources are paused through the circuit breaker instead).
std::unique_ptr<op_impl> make_backpressure_operator(const value& config, std::string& err);

/// Config: `timeout` (as for backpressure), `step_up` (default 0.001),
/// `step_down` (default 0.05). Lets a share of events through that drops by
/// `step_down` on every fail or slow ack (to no less than 0.1%) and grows by `step_up` on every
/// timely ack; the rest go to `overflow`.
std::unique_ptr<op_impl> make_percentile_operator(const value& config, std::string& err);

} // namespace temblor::dsl
