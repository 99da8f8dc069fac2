#include "connectors/common/stream_client.hpp"

#include <asio/post.hpp>

#include "connectors/common/loop_call.hpp"

namespace temblor::connectors::common {

stream_client::stream_client(asio::io_context& io, std::shared_ptr<connector_context> ctx,
                             std::unique_ptr<client_flavor> flavor,
                             const stream_client_settings& settings)
  : io_(io), ctx_(std::move(ctx)), flavor_(std::move(flavor)), settings_(settings),
    meta_(flavor_->meta()), backlog_(std::make_shared<input_backlog>(io, ctx_)),
    slow_peer_failed_(ctx_->counter("events_failed_slow_peer")) {}

// -- actor thread --------------------------------------------------------------------

void stream_client::connect() {
  if (stopped_)
    return;
  asio::post(io_, [self = shared_from_this()] { self->dial(); });
}

void stream_client::set_paused(bool paused) {
  if (stopped_)
    return;
  asio::post(io_, [self = shared_from_this(), paused] {
    self->paused_ = paused;
    if (self->connection_)
      self->connection_->set_paused(paused);
  });
}

void stream_client::stop() {
  if (stopped_.exchange(true))
    return;
  run_and_wait(io_, [self = shared_from_this()] { self->shut_down(); });
}

sink_outcome stream_client::write(const event& ev, serializer& ser) {
  std::shared_ptr<stream_peer> target;
  {
    std::lock_guard<std::mutex> guard(current_mtx_);
    target = current_;
  }
  if (!target || target->closed.load(std::memory_order_relaxed) || stopped_)
    return sink_outcome::failed;
  if (stream_ended_.exchange(false)) {
    // A new connection: the framing starts afresh (what the old one held
    // went nowhere).
    frames_.clear();
    ser.finish_stream(0, frames_);
  }
  frames_.clear();
  if (!ser.serialize(0, ev.payload, ev.ingest_ns, frames_, err_)) {
    ctx_->log(log_level::error, "cannot serialize an event: " + err_);
    return sink_outcome::failed;
  }
  // Guaranteed delivery: acked once the socket took the last frame.
  return queue_frames(target, ev.transactional ? std::optional<event_id>(ev.id) : std::nullopt);
}

sink_outcome stream_client::queue_frames(const std::shared_ptr<stream_peer>& target,
                                         std::optional<event_id> completes) {
  size_t total = 0;
  for (const auto& f : frames_)
    total += f.size();
  if (target->queued.load(std::memory_order_relaxed) + total > settings_.max_queued_bytes) {
    const uint64_t n = ++slow_peer_failed_;
    if ((n & (n - 1)) == 0)
      ctx_->log(log_level::warning, flavor_->describe() + " reads too slowly; " +
                                        std::to_string(n) + " event(s) failed so far");
    return sink_outcome::failed;
  }
  target->queued.fetch_add(total, std::memory_order_relaxed);
  for (auto& f : frames_)
    batch_.push_back(outgoing_bytes{target, std::move(f), std::nullopt});
  const bool track = completes && !batch_.empty();
  if (track) {
    batch_.back().completes = std::move(completes);
    in_flight_.fetch_add(1, std::memory_order_acq_rel);
  }
  if (outbox_.push(batch_))
    asio::post(io_, [self = shared_from_this()] { self->send_outbox(); });
  return track ? sink_outcome::pending : sink_outcome::done;
}

void stream_client::finish(serializer& ser) {
  std::shared_ptr<stream_peer> target;
  {
    std::lock_guard<std::mutex> guard(current_mtx_);
    target = current_;
  }
  if (!target || target->closed.load(std::memory_order_relaxed) || stopped_ ||
      stream_ended_.load())
    return;
  frames_.clear();
  ser.finish_stream(0, frames_);
  if (!frames_.empty() && queue_frames(target, std::nullopt) == sink_outcome::failed)
    ctx_->log(log_level::warning,
              "the end of the output was not sent: " + flavor_->describe() + " reads too slowly");
}

// -- event loop ----------------------------------------------------------------------

void stream_client::dial() {
  if (stopping_ || dialing_)
    return;
  if (connection_ && !connection_->closed.load(std::memory_order_relaxed)) {
    ctx_->connected();
    return;
  }
  dialing_ = true;
  flavor_->dial(io_, [self = shared_from_this()](std::unique_ptr<stream_transport> transport,
                                                 const std::string& err) {
    self->dialing_ = false;
    if (self->stopping_) {
      if (transport)
        transport->close();
      return;
    }
    if (!transport) {
      self->ctx_->connect_failed("cannot connect to " + self->flavor_->describe() + ": " + err);
      return;
    }
    auto c = std::make_shared<stream_connection>(self->io_, std::move(transport), 0, std::string(),
                                                 self->meta_, self->settings_.connection, self,
                                                 self->backlog_);
    self->connection_ = c;
    {
      std::lock_guard<std::mutex> guard(self->current_mtx_);
      self->current_ = c;
    }
    self->ctx_->connected();
    c->start(self->paused_);
  });
}

void stream_client::on_ready(stream_connection&) {}

void stream_client::on_data(stream_connection& c, std::string data) {
  if (stopping_ || &c != connection_.get())
    return;
  ctx_->receive_bytes(0, std::move(data), c.meta());
}

void stream_client::on_end(stream_connection& c, stream_end why, const std::string& detail) {
  if (&c != connection_.get())
    return;
  {
    std::lock_guard<std::mutex> guard(current_mtx_);
    current_.reset();
  }
  stream_ended_ = true;
  if (stopping_)
    return;
  std::string what = why == stream_end::peer_closed
                         ? flavor_->describe() + " closed the connection"
                         : "the connection to " + flavor_->describe() + " broke: " + detail;
  // The stream ends first, so a last line without its newline is flushed
  // before the runtime hears of the loss.
  ctx_->stream_finished(0);
  ctx_->connection_lost(what);
  // Replies the old connection still had queued cannot go anywhere useful:
  // close now so their events fail instead of waiting for a peer that left.
  c.close(why, detail);
}

void stream_client::on_handshake_failed(stream_connection&, const std::string&) {
  // Clients shake hands while dialing; a failure there is a connect failure.
}

void stream_client::on_written(const event_id& id, bool ok) {
  in_flight_.fetch_sub(1, std::memory_order_acq_rel);
  if (stopping_)
    return;
  if (ok)
    ctx_->ack(id);
  else
    ctx_->fail(id);
}

void stream_client::on_socket_closed(stream_connection& c) {
  if (&c == connection_.get())
    connection_.reset();
}

void stream_client::send_outbox() {
  outbox_.take(sending_);
  for (auto& f : sending_)
    static_cast<stream_connection&>(*f.target).send(std::move(f.data), std::move(f.completes));
  sending_.clear();
}

void stream_client::shut_down() {
  stopping_ = true;
  backlog_->cancel();
  flavor_->cancel();
  if (connection_)
    connection_->close(stream_end::local, "the connector stops");
  connection_.reset();
}

} // namespace temblor::connectors::common
