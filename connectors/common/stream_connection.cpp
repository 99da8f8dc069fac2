#include "connectors/common/stream_connection.hpp"

#include <algorithm>

namespace temblor::connectors::common {

namespace {

using clock = std::chrono::steady_clock;

/// Frames handed to one writev(2): enough to fill a socket buffer with
/// small events without building a long buffer list.
constexpr size_t max_gather = 64;

} // namespace

stream_connection::stream_connection(asio::io_context& io,
                                     std::unique_ptr<stream_transport> transport, uint64_t stream,
                                     std::string key, value meta,
                                     const connection_settings& settings,
                                     std::shared_ptr<connection_owner> owner,
                                     std::shared_ptr<input_backlog> backlog)
  : stream_peer(stream, std::move(key)), timer_(io), transport_(std::move(transport)),
    meta_(std::move(meta)), settings_(settings), owner_(std::move(owner)),
    backlog_(std::move(backlog)) {}

// -- life cycle ----------------------------------------------------------------

void stream_connection::start(bool paused) {
  paused_ = paused;
  last_activity_ = clock::now();
  if (transport_->needs_handshake()) {
    phase_ = phase::handshaking;
    arm_timer(clock::now() + settings_.handshake_timeout);
    transport_->async_handshake([self = shared_from_this()](const asio::error_code& ec) {
      if (self->phase_ != phase::handshaking)
        return; // timed out or closed meanwhile
      if (ec) {
        self->phase_ = phase::closed; // not a stream yet: no on_end()
        self->owner_->on_handshake_failed(*self, ec.message());
        self->close_socket();
        return;
      }
      self->phase_ = phase::open;
      self->last_activity_ = clock::now();
      if (self->settings_.idle_timeout.count() > 0)
        self->arm_timer(self->last_activity_ + self->settings_.idle_timeout);
      self->owner_->on_ready(*self);
      self->read();
    });
    return;
  }
  phase_ = phase::open;
  if (settings_.idle_timeout.count() > 0)
    arm_timer(last_activity_ + settings_.idle_timeout);
  owner_->on_ready(*this);
  read();
}

void stream_connection::set_paused(bool paused) {
  if (paused_ == paused)
    return;
  paused_ = paused;
  if (paused || phase_ != phase::open)
    return;
  // Time spent paused by us is not the peer's idleness.
  last_activity_ = clock::now();
  if (!held_.empty()) {
    std::string data = std::move(held_);
    held_.clear();
    owner_->on_data(*this, std::move(data));
  }
  read();
}

void stream_connection::unpark() {
  if (!parked_)
    return;
  parked_ = false;
  // Time held back by our own backlog is not the peer's idleness.
  last_activity_ = clock::now();
  read();
}

void stream_connection::close(stream_end why, const std::string& detail) {
  if (phase_ == phase::closed)
    return;
  auto keep = shared_from_this(); // the owner may drop its reference below
  end(why, detail);
  close_socket();
}

void stream_connection::end(stream_end why, const std::string& detail) {
  closed.store(true, std::memory_order_relaxed);
  const bool was_stream = phase_ == phase::open;
  if (phase_ == phase::open)
    phase_ = phase::finishing;
  if (was_stream)
    owner_->on_end(*this, why, detail);
}

void stream_connection::close_socket() {
  if (socket_closed_)
    return;
  auto keep = shared_from_this(); // on_socket_closed() drops the owner's reference
  socket_closed_ = true;
  phase_ = phase::closed;
  closed.store(true, std::memory_order_relaxed);
  ++timer_generation_;
  asio::error_code ignored;
  timer_.cancel(ignored);
  transport_->close();
  // What was queued will never be written.
  size_t unsent = 0;
  for (auto& p : queue_) {
    unsent += p.data.size();
    if (p.completes)
      owner_->on_written(*p.completes, false);
  }
  queue_.clear();
  in_flight_ = 0;
  queued.fetch_sub(std::min(unsent, queued.load(std::memory_order_relaxed)),
                   std::memory_order_relaxed);
  held_.clear();
  // Handlers still queued hold this connection; letting go of the owner
  // here breaks the owner -> connection -> owner cycle.
  auto owner = std::move(owner_);
  owner->on_socket_closed(*this);
}

// -- reading ---------------------------------------------------------------------

void stream_connection::read() {
  if (reading_ || paused_ || parked_ || phase_ != phase::open)
    return;
  if (!backlog_->may_read(*this)) {
    parked_ = true;
    return;
  }
  reading_ = true;
  read_buf_.resize(settings_.buf_size);
  transport_->async_read_some(asio::buffer(read_buf_.data(), read_buf_.size()),
                              [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                                self->on_read(ec, n);
                              });
}

void stream_connection::on_read(const asio::error_code& ec, size_t n) {
  reading_ = false;
  if (phase_ != phase::open)
    return;
  if (ec) {
    if (is_orderly_end(ec)) {
      // The peer stopped sending: the stream ends, replies already queued
      // still go out (bounded by the linger), then the socket closes.
      end(stream_end::peer_closed, "closed by the peer");
      if (socket_closed_)
        return; // the owner closed it on hearing the end
      if (queue_.empty())
        close_socket();
      else
        arm_timer(clock::now() + settings_.linger);
      return;
    }
    close(stream_end::peer_reset, ec.message());
    return;
  }
  last_activity_ = clock::now();
  read_buf_.resize(n);
  if (paused_) {
    held_ = std::move(read_buf_);
    read_buf_ = std::string();
    return;
  }
  std::string data = std::move(read_buf_);
  read_buf_ = std::string();
  owner_->on_data(*this, std::move(data));
  read(); // not if on_data() closed us: read() checks the phase
}

// -- writing ---------------------------------------------------------------------

void stream_connection::send(std::string data, std::optional<event_id> completes) {
  if (phase_ == phase::closed || phase_ == phase::created) {
    queued.fetch_sub(std::min(data.size(), queued.load(std::memory_order_relaxed)),
                     std::memory_order_relaxed);
    if (completes && owner_)
      owner_->on_written(*completes, false);
    return;
  }
  queue_.push_back(pending{std::move(data), std::move(completes)});
  write();
}

void stream_connection::write() {
  if (writing_ || queue_.empty() || phase_ == phase::closed || phase_ == phase::handshaking)
    return;
  writing_ = true;
  in_flight_ = std::min(queue_.size(), max_gather);
  write_bufs_.clear();
  for (size_t i = 0; i < in_flight_; ++i)
    write_bufs_.push_back(asio::buffer(queue_[i].data));
  transport_->async_write(write_bufs_, [self = shared_from_this()](const asio::error_code& ec,
                                                                   size_t) { self->on_write(ec); });
}

void stream_connection::on_write(const asio::error_code& ec) {
  writing_ = false;
  if (phase_ == phase::closed)
    return;
  if (ec) {
    close(stream_end::write_failed, ec.message());
    return;
  }
  last_activity_ = clock::now();
  size_t written = 0;
  for (size_t i = 0; i < in_flight_; ++i) {
    written += queue_.front().data.size();
    if (queue_.front().completes)
      owner_->on_written(*queue_.front().completes, true);
    queue_.pop_front();
  }
  in_flight_ = 0;
  queued.fetch_sub(std::min(written, queued.load(std::memory_order_relaxed)),
                   std::memory_order_relaxed);
  if (phase_ == phase::finishing && queue_.empty()) {
    close_socket();
    return;
  }
  write();
}

// -- deadlines -------------------------------------------------------------------

void stream_connection::arm_timer(clock::time_point at) {
  deadline_ = at;
  // One wait at a time: a later deadline is picked up when the current one
  // fires, so busy traffic costs no timer operations at all.
  if (timer_armed_ && timer_.expiry() <= at)
    return;
  timer_armed_ = true;
  const uint64_t generation = ++timer_generation_;
  timer_.expires_at(at);
  timer_.async_wait([self = shared_from_this(), generation](const asio::error_code&) {
    if (generation != self->timer_generation_)
      return;
    self->timer_armed_ = false;
    self->on_timer();
  });
}

void stream_connection::on_timer() {
  const auto now = clock::now();
  switch (phase_) {
    case phase::handshaking:
      if (now < deadline_)
        return arm_timer(deadline_);
      phase_ = phase::closed;
      owner_->on_handshake_failed(
          *this, "no TLS handshake within " + std::to_string(settings_.handshake_timeout.count()) +
                     " ms");
      close_socket();
      return;
    case phase::open: {
      if (settings_.idle_timeout.count() == 0)
        return;
      if (paused_ || parked_)
        return arm_timer(now + settings_.idle_timeout);
      const auto due = last_activity_ + settings_.idle_timeout;
      if (now < due)
        return arm_timer(due);
      close(stream_end::idle, "idle for " + std::to_string(settings_.idle_timeout.count()) + " ms");
      return;
    }
    case phase::finishing:
      if (now < deadline_)
        return arm_timer(deadline_);
      close_socket(); // the peer does not take its replies
      return;
    case phase::created:
    case phase::closed:
      return;
  }
}

} // namespace temblor::connectors::common
