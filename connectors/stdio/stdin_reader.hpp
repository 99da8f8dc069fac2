#pragma once

// The process has one stdin; every stdio connector gets every chunk of it.

#include <functional>
#include <memory>
#include <string>

#include "runtime/io/io_pool.hpp"

namespace temblor::connectors {

class stdin_subscription {
public:
  virtual ~stdin_subscription() = default;
};

/// Subscribes to stdin: `on_data` gets each chunk, `on_end` runs once at EOF
/// (also for subscribers that arrive after it). Both run on the reader, a
/// job on `pool` that lives while anyone is subscribed. Dropping the
/// subscription unsubscribes.
std::unique_ptr<stdin_subscription> subscribe_stdin(io::blocking_pool& pool,
                                                    std::function<void(const std::string&)> on_data,
                                                    std::function<void()> on_end);

} // namespace temblor::connectors
