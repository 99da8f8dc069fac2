#include "runtime/connector/context_queue.hpp"

#include "runtime/system/log.hpp"

namespace temblor {

using kind = context_call::kind;

void context_queue::set_wake(std::function<void()> wake) {
  bool pending = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    wake_ = std::move(wake);
    pending = !calls_.empty();
  }
  if (pending)
    wake_();
}

void context_queue::detach() {
  std::lock_guard<std::mutex> guard(mutex_);
  detached_ = true;
  calls_.clear();
  wake_ = nullptr;
}

void context_queue::push(context_call call) {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (detached_)
      return;
    // Only the first call into an empty queue wakes the owner: a busy event
    // loop then costs one message per burst, not one per frame.
    if (calls_.empty() && !held_)
      wake = wake_;
    // A holder takes everything at once: no backlog builds up for the owner.
    if (call.what == context_call::kind::bytes && !held_)
      queued_bytes_.fetch_add(call.text.size(), std::memory_order_relaxed);
    calls_.push_back(std::move(call));
  }
  if (wake)
    wake();
}

void context_queue::take(std::vector<context_call>& out) {
  out.clear();
  std::lock_guard<std::mutex> guard(mutex_);
  if (held_)
    return;
  out.swap(calls_);
  queued_bytes_.store(0, std::memory_order_relaxed);
}

void context_queue::hold() {
  std::lock_guard<std::mutex> guard(mutex_);
  held_ = true;
}

void context_queue::take_held(std::vector<context_call>& out) {
  out.clear();
  std::lock_guard<std::mutex> guard(mutex_);
  out.swap(calls_);
}

void context_queue::release(std::vector<context_call>& prepared) {
  std::lock_guard<std::mutex> guard(mutex_);
  held_ = false;
  if (detached_) {
    prepared.clear();
    return;
  }
  if (!calls_.empty())
    prepared.insert(prepared.end(), std::make_move_iterator(calls_.begin()),
                    std::make_move_iterator(calls_.end()));
  calls_.swap(prepared);
  prepared.clear();
}

void context_queue::log(connectors::log_level level, std::string message) {
  std::string line = "[" + alias_ + "] " + message;
  switch (level) {
    case connectors::log_level::debug: log::debug(line); break;
    case connectors::log_level::info: log::info(line); break;
    case connectors::log_level::warning: log::warning(line); break;
    case connectors::log_level::error: log::error(line); break;
  }
}

void context_queue::connected() {
  context_call c;
  c.what = kind::connected;
  push(std::move(c));
}

void context_queue::connect_failed(std::string reason) {
  context_call c;
  c.what = kind::connect_failed;
  c.text = std::move(reason);
  push(std::move(c));
}

void context_queue::connection_lost(std::string reason) {
  context_call c;
  c.what = kind::connection_lost;
  c.text = std::move(reason);
  push(std::move(c));
}

void context_queue::receive_bytes(uint64_t stream, std::string data, value meta) {
  context_call c;
  c.what = kind::bytes;
  c.stream = stream;
  c.text = std::move(data);
  c.meta = std::move(meta);
  push(std::move(c));
}

void context_queue::receive_value(uint64_t stream, value payload, value meta) {
  context_call c;
  c.what = kind::structured;
  c.stream = stream;
  c.payload = std::move(payload);
  c.meta = std::move(meta);
  push(std::move(c));
}

void context_queue::emit(std::string port, uint64_t stream, value payload, value meta) {
  context_call c;
  c.what = kind::emitted;
  c.stream = stream;
  c.text = std::move(port);
  c.payload = std::move(payload);
  c.meta = std::move(meta);
  push(std::move(c));
}

void context_queue::receive_bytes_as(uint64_t stream, uint64_t pull_id, std::string data,
                                     value meta) {
  context_call c;
  c.what = kind::bytes;
  c.stream = stream;
  c.text = std::move(data);
  c.meta = std::move(meta);
  c.has_pull_id = true;
  c.pull_id = pull_id;
  push(std::move(c));
}

void context_queue::receive_value_as(uint64_t stream, uint64_t pull_id, value payload,
                                     value meta) {
  context_call c;
  c.what = kind::structured;
  c.stream = stream;
  c.payload = std::move(payload);
  c.meta = std::move(meta);
  c.has_pull_id = true;
  c.pull_id = pull_id;
  push(std::move(c));
}

void context_queue::pull_again(uint64_t delay_ns) {
  context_call c;
  c.what = kind::pull_again;
  c.delay_ns = delay_ns;
  push(std::move(c));
}

void context_queue::stream_finished(uint64_t stream) {
  context_call c;
  c.what = kind::stream_end;
  c.stream = stream;
  push(std::move(c));
}

void context_queue::source_finished() {
  context_call c;
  c.what = kind::source_end;
  push(std::move(c));
}

void context_queue::ack(const event_id& id) {
  context_call c;
  c.what = kind::ack;
  c.id = id;
  push(std::move(c));
}

void context_queue::fail(const event_id& id) {
  context_call c;
  c.what = kind::fail;
  c.id = id;
  push(std::move(c));
}

void context_queue::circuit_breaker(bool open_for_traffic) {
  context_call c;
  c.what = kind::breaker;
  c.open = open_for_traffic;
  push(std::move(c));
}

void context_queue::request_shutdown(uint64_t delay_ns, bool graceful) {
  context_call c;
  c.what = kind::shutdown;
  c.delay_ns = delay_ns;
  c.open = graceful;
  push(std::move(c));
}

std::atomic<uint64_t>& context_queue::counter(std::string_view name) {
  return counters_->get(name);
}

std::atomic<uint64_t>& context_queue::gauge(std::string_view name) {
  return counters_->gauge(name);
}

std::shared_ptr<context_queue> context_queue::successor() {
  auto next = std::make_shared<context_queue>(alias_, counters_);
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    wake = wake_;
  }
  detach();
  if (wake)
    next->set_wake(std::move(wake));
  return next;
}

} // namespace temblor
