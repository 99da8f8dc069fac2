#pragma once

// The process's I/O layer: a fixed set of event loops shared by every socket
// connector and timer, and a small pool for calls that block. Sized once at
// start-up, so a deployment of a hundred connectors runs on as many threads
// as one of a single connector.
//
// Asio stays out of this header: connectors include <asio.hpp> in their .cpp.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace asio {
class io_context;
} // namespace asio

namespace temblor::io {

/// Reports an exception that escaped a handler; the loop goes on.
using fault_reporter = std::function<void(const std::string& what)>;

/// A fixed pool of Asio event loops, each run by exactly one thread.
///
/// A connector takes one loop with next() and keeps it for its life: all its
/// handlers then run on one thread, in order, so it needs no strands and no
/// locks between them. Handlers must keep alive what they touch (capture a
/// shared_ptr), because a connector's stop() returns before the loop has run
/// the completions of the operations it cancelled.
class io_pool {
public:
  /// Starts `threads` loops (at least one).
  explicit io_pool(size_t threads, fault_reporter report = {});
  /// Lets every loop finish the work it still has (at most `stop_grace`),
  /// then stops them and joins their threads; what is still queued then is
  /// destroyed unrun.
  ~io_pool();
  /// Longer than a closing connection's own bound (1 s for a close handshake).
  static constexpr std::chrono::milliseconds stop_grace{1500};
  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  /// Returns the loop for a new connector (round robin).
  asio::io_context& next();
  size_t size() const { return loops_.size(); }

private:
  struct loop;
  std::vector<std::unique_ptr<loop>> loops_;
  std::atomic<size_t> next_{0};
};

/// A few threads for calls that block (file reads, stdin), so they never hold
/// a scheduler worker or an event loop. Jobs run in the order they were
/// posted, on whichever thread is free.
class blocking_pool {
public:
  explicit blocking_pool(size_t threads, fault_reporter report = {});
  /// Waits for the running jobs, drops the queued ones and joins.
  ~blocking_pool();
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  void post(std::function<void()> job);
  size_t size() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// What the runtime lends every connector when it starts.
struct services {
  io_pool* io = nullptr;
  blocking_pool* blocking = nullptr;
};

/// Owns the process's pools for as long as connectors may use them.
class pools {
public:
  pools(size_t io_threads, size_t blocking_threads, fault_reporter report = {})
    : io_(io_threads, report), blocking_(blocking_threads, std::move(report)) {}
  services get() { return services{&io_, &blocking_}; }

private:
  io_pool io_;
  blocking_pool blocking_;
};

/// Returns the number of event loops to run: the CPUs this process may use
/// (affinity and cpusets respected), or TEMBLOR_IO_THREADS when set.
size_t default_io_threads();

/// Threads of the blocking pool: two, so one long read (stdin) never starves
/// the others.
inline constexpr size_t default_blocking_threads = 2;

} // namespace temblor::io
