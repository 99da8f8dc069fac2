#pragma once

// Runs work on a connector's event loop from another thread and waits for
// it: how the stream connectors' stop() closes every socket before it
// returns. Private to connectors' .cpp files (it includes Asio).

#include <chrono>
#include <functional>

#include <asio/io_context.hpp>

namespace temblor::connectors::common {

/// Runs `fn` on `io`'s thread and waits until it ran, at most `bound` (a
/// loop runs handlers in microseconds; the bound only matters if it were
/// wedged, and then stopping the rest of the flow matters more). Runs `fn`
/// at once when called on that thread.
void run_and_wait(asio::io_context& io, std::function<void()> fn,
                  std::chrono::milliseconds bound = std::chrono::seconds(2));

} // namespace temblor::connectors::common
