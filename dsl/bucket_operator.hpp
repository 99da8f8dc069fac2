#pragma once

// `grouper::bucket`: rate limiting by class and dimensions, steered per
// event by metadata a script sets before it.
//
// - `$class` (string, required, else the event goes to `err`) names a
//   bucket; its limits come from the first event of that class:
//   `$rate` (events per time range, required), `$time_range` (ms, default
//   1000), `$windows` (how many slices the time range slides by, default
//   100) and `$cardinality` (how many dimensions it tracks, default 1000).
// - `$dimensions` (any value, default null) splits a class: each distinct
//   value gets its own sliding window; beyond `$cardinality` the least
//   recently seen one is forgotten (and starts afresh when it returns).
// - Within the limit an event goes to `out`, beyond it to `overflow`.

#include <memory>

#include "dsl/operators.hpp"

namespace temblor::dsl {

std::unique_ptr<op_impl> make_bucket_operator();

} // namespace temblor::dsl
