#include "connectors/stdio/stdin_reader.hpp"

#include <cerrno>
#include <map>
#include <mutex>

#include <poll.h>
#include <unistd.h>

namespace temblor::connectors {

namespace {

struct subscriber {
  std::function<void(const std::string&)> on_data;
  std::function<void()> on_end;
};

class stdin_hub {
public:
  static stdin_hub& instance() {
    static stdin_hub hub;
    return hub;
  }

  uint64_t add(io::blocking_pool& pool, subscriber s) {
    std::lock_guard<std::mutex> guard(mutex_);
    if (ended_) {
      s.on_end();
      return 0;
    }
    uint64_t id = ++next_id_;
    subscribers_.emplace(id, std::move(s));
    if (!running_) {
      running_ = true;
      pool.post([this] { run(); });
    }
    return id;
  }

  void remove(uint64_t id) {
    std::lock_guard<std::mutex> guard(mutex_);
    subscribers_.erase(id);
  }

private:
  // Reads until EOF or until nobody listens; the pool's thread is free again
  // then (a later subscriber starts a new run).
  void run() {
    std::string chunk;
    for (;;) {
      {
        std::lock_guard<std::mutex> guard(mutex_);
        if (subscribers_.empty()) {
          running_ = false;
          return;
        }
      }
      // Poll with a timeout so the thread notices the process stopping even
      // when stdin is a pipe that never closes.
      pollfd p{0, POLLIN, 0};
      int ready = ::poll(&p, 1, 100);
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready == 0)
        continue;
      chunk.resize(64 * 1024);
      ssize_t n = ready > 0 ? ::read(0, chunk.data(), chunk.size()) : -1;
      if (n < 0 && errno == EINTR)
        continue;
      std::lock_guard<std::mutex> guard(mutex_);
      if (n <= 0) {
        ended_ = true;
        running_ = false;
        for (auto& [id, s] : subscribers_)
          s.on_end();
        subscribers_.clear();
        return;
      }
      chunk.resize(static_cast<size_t>(n));
      for (auto& [id, s] : subscribers_)
        s.on_data(chunk);
    }
  }

  std::mutex mutex_;
  std::map<uint64_t, subscriber> subscribers_;
  uint64_t next_id_ = 0;
  bool ended_ = false;
  bool running_ = false;
};

class hub_subscription final : public stdin_subscription {
public:
  explicit hub_subscription(uint64_t id) : id_(id) {}
  ~hub_subscription() override {
    if (id_ != 0)
      stdin_hub::instance().remove(id_);
  }

private:
  uint64_t id_;
};

} // namespace

std::unique_ptr<stdin_subscription> subscribe_stdin(io::blocking_pool& pool,
                                                    std::function<void(const std::string&)> on_data,
                                                    std::function<void()> on_end) {
  auto id = stdin_hub::instance().add(pool, subscriber{std::move(on_data), std::move(on_end)});
  return std::make_unique<hub_subscription>(id);
}

} // namespace temblor::connectors
