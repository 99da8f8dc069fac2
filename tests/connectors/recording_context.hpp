#pragma once

// A fake_context (tests/connectors/ws/test_support.hpp) that also keeps the
// structured values a connector hands on (receive_value to `out`, emit to
// any port) and the events it acks or fails, for the udp, dns and
// crononome tests.

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "tests/connectors/ws/test_support.hpp"

namespace temblor::connectors::testing {

using namespace std::chrono_literals;

/// One value a connector produced, with the port it went to.
struct produced {
  std::string port;
  uint64_t stream = 0;
  value payload;
  value meta;
};

class recording_context : public ws::testing::fake_context {
public:
  void receive_value(uint64_t stream, value payload, value meta) override {
    emit("out", stream, std::move(payload), std::move(meta));
  }
  void emit(std::string port, uint64_t stream, value payload, value meta) override {
    std::lock_guard<std::mutex> g(mtx);
    values.push_back(produced{std::move(port), stream, std::move(payload), std::move(meta)});
    cv.notify_all();
  }

  /// Takes the oldest produced value, waiting up to `timeout`.
  bool pop_value(produced& out, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock<std::mutex> lk(mtx);
    if (!cv.wait_for(lk, timeout, [&] { return !values.empty(); }))
      return false;
    out = std::move(values.front());
    values.pop_front();
    return true;
  }
  size_t value_count() {
    std::lock_guard<std::mutex> g(mtx);
    return values.size();
  }
  uint64_t counter_value(std::string_view name) {
    return counter(name).load(std::memory_order_relaxed);
  }
  /// Whether a log line containing `text` was written.
  bool logged(std::string_view text) {
    std::lock_guard<std::mutex> g(mtx);
    for (const auto& l : logs)
      if (l.find(text) != std::string::npos)
        return true;
    return false;
  }

  std::deque<produced> values;
};

} // namespace temblor::connectors::testing
