#include "runtime/io/io_pool.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <openssl/crypto.h>
#include <pthread.h>
#include <sched.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

namespace temblor::io {

namespace {

void run_guarded(asio::io_context& io, const fault_reporter& report) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      // Handlers catch what they call; this keeps one that did not from
      // taking the process (and every other connector on the loop) down.
      if (report)
        report(std::string("an I/O handler failed: ") + e.what());
    } catch (...) {
      if (report)
        report("an I/O handler failed with an unknown exception");
    }
  }
}

} // namespace

namespace {

// Named so `top -H`, /proc/PID/task/*/comm and perf say which pool a thread
// belongs to (a new thread otherwise inherits its creator's name).
void name_this_thread(const char* prefix, size_t index) {
  char name[16];
  std::snprintf(name, sizeof(name), "%s%zu", prefix, index);
  pthread_setname_np(pthread_self(), name);
}

} // namespace

struct io_pool::loop {
  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{
    asio::make_work_guard(io)};
  std::thread thread;
  std::mutex mutex;
  std::condition_variable ran_out;
  bool out_of_work = false; ///< run() returned: nothing was left to do
};

io_pool::io_pool(size_t threads, fault_reporter report) {
  threads = std::max<size_t>(1, threads);
  for (size_t i = 0; i < threads; ++i) {
    auto l = std::make_unique<loop>();
    auto* raw = l.get();
    l->thread = std::thread([raw, report, i] {
      name_this_thread("temblor.io", i);
      run_guarded(raw->io, report);
      {
        std::lock_guard<std::mutex> guard(raw->mutex);
        raw->out_of_work = true;
      }
      raw->ran_out.notify_all();
      // TLS connectors use OpenSSL on these threads; its per-thread state
      // (the error queue) is only freed when the thread says it is done.
      OPENSSL_thread_stop();
    });
    loops_.push_back(std::move(l));
  }
}

io_pool::~io_pool() {
  // Stopped connectors may still be closing connections (a close handshake,
  // a TLS shutdown), each bounded by its own timer. Letting the loops run
  // out of that work first matters: a connection that is destroyed unrun
  // can keep its connector's core alive through its own handlers (a cycle
  // that only its termination breaks). Whatever is still pending after the
  // grace is destroyed unrun.
  for (auto& l : loops_)
    l->work.reset();
  const auto deadline = std::chrono::steady_clock::now() + stop_grace;
  for (auto& l : loops_) {
    std::unique_lock<std::mutex> lock(l->mutex);
    l->ran_out.wait_until(lock, deadline, [&] { return l->out_of_work; });
  }
  for (auto& l : loops_)
    l->io.stop();
  for (auto& l : loops_)
    if (l->thread.joinable())
      l->thread.join();
}

asio::io_context& io_pool::next() {
  return loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]->io;
}

struct blocking_pool::impl {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> jobs;
  bool stopping = false;
  fault_reporter report;
  std::vector<std::thread> threads;

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [this] { return stopping || !jobs.empty(); });
      if (stopping)
        return;
      auto job = std::move(jobs.front());
      jobs.pop_front();
      lock.unlock();
      try {
        job();
      } catch (const std::exception& e) {
        if (report)
          report(std::string("a blocking job failed: ") + e.what());
      } catch (...) {
        if (report)
          report("a blocking job failed with an unknown exception");
      }
      job = nullptr; // what it captured dies outside the lock
      lock.lock();
    }
  }
};

blocking_pool::blocking_pool(size_t threads, fault_reporter report)
  : impl_(std::make_unique<impl>()) {
  impl_->report = std::move(report);
  threads = std::max<size_t>(1, threads);
  for (size_t i = 0; i < threads; ++i)
    impl_->threads.emplace_back([this, i] {
      name_this_thread("temblor.blk", i);
      impl_->run();
      OPENSSL_thread_stop(); // as on the event loops: file checks load certificates here
    });
}

blocking_pool::~blocking_pool() {
  {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  for (auto& t : impl_->threads)
    t.join();
}

void blocking_pool::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    impl_->jobs.push_back(std::move(job));
  }
  impl_->wake.notify_one();
}

size_t blocking_pool::size() const { return impl_->threads.size(); }

size_t default_io_threads() {
  if (const char* env = std::getenv("TEMBLOR_IO_THREADS")) {
    char* end = nullptr;
    unsigned long n = std::strtoul(env, &end, 10);
    if (end != env && *end == '\0' && n > 0 && n <= 256)
      return n;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<size_t>(CPU_COUNT(&set));
  return std::max<unsigned>(1, std::thread::hardware_concurrency());
}

} // namespace temblor::io
