#include "connectors/common/input_backlog.hpp"

#include "connectors/common/stream_connection.hpp"

namespace temblor::connectors::common {

namespace {

/// How often a parked loop looks again: the actor takes a backlog in one
/// go, so this is about how long reading stays off after it did.
constexpr auto recheck_interval = std::chrono::milliseconds(1);

} // namespace

input_backlog::input_backlog(asio::io_context& io, std::shared_ptr<connector_context> ctx)
  : timer_(io), ctx_(std::move(ctx)), waits_(ctx_->counter("reads_held_for_backlog")) {}

bool input_backlog::may_read(stream_connection& c) {
  if (!ctx_->input_backlogged())
    return true;
  if (parked_.empty())
    waits_.fetch_add(1, std::memory_order_relaxed);
  parked_.push_back(c.weak_from_this());
  arm();
  return false;
}

void input_backlog::cancel() {
  parked_.clear();
  armed_ = false;
  asio::error_code ignored;
  timer_.cancel(ignored);
}

void input_backlog::arm() {
  if (armed_)
    return;
  armed_ = true;
  timer_.expires_after(recheck_interval);
  timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (ec || !self->armed_)
      return;
    self->armed_ = false;
    self->check();
  });
}

void input_backlog::check() {
  if (parked_.empty())
    return;
  if (ctx_->input_backlogged()) {
    arm();
    return;
  }
  auto parked = std::move(parked_);
  parked_.clear();
  for (auto& weak : parked)
    if (auto c = weak.lock())
      c->unpark();
}

} // namespace temblor::connectors::common
