#include "connectors/common/stream_server.hpp"

#include <asio/post.hpp>

#include "connectors/common/loop_call.hpp"

namespace temblor::connectors::common {

namespace {

using namespace std::chrono_literals;

/// How long an accept that failed (no file descriptors left) waits before
/// the next try, so a full fd table does not spin the loop.
constexpr auto accept_retry_delay = 100ms;

} // namespace

// -- stream_server: actor thread ------------------------------------------------------

stream_server::stream_server(asio::io_context& io, std::shared_ptr<connector_context> ctx,
                             std::unique_ptr<server_flavor> flavor,
                             const stream_server_settings& settings, uint64_t source_id,
                             bool sink_linked)
  : io_(io), ctx_(std::move(ctx)), flavor_(std::move(flavor)), settings_(settings),
    source_id_(source_id), sink_linked_(sink_linked), accept_retry_(io),
    budget_(settings.line_budget_bytes), backlog_(std::make_shared<input_backlog>(io, ctx_)),
    refused_(ctx_->counter("connections_refused")),
    idle_closed_(ctx_->counter("connections_closed_idle")),
    budget_closed_(ctx_->counter("connections_closed_line_budget")),
    handshakes_failed_(ctx_->counter("tls_handshakes_failed")),
    slow_peer_failed_(ctx_->counter("replies_failed_slow_peer")),
    accept_errors_(ctx_->counter("accept_errors")),
    connections_open_(ctx_->gauge("connections_open")) {}

void stream_server::connect() {
  if (stopped_)
    return;
  asio::post(io_, [self = shared_from_this()] { self->listen(); });
}

void stream_server::set_paused(bool paused) {
  if (stopped_)
    return;
  asio::post(io_, [self = shared_from_this(), paused] {
    self->paused_ = paused;
    for (auto& [stream, c] : self->connections_)
      c->set_paused(paused);
  });
}

void stream_server::drain() {
  if (stopped_)
    return;
  // Like Tremor's quiescence: no new connections, the open ones go on.
  asio::post(io_, [self = shared_from_this()] {
    self->draining_ = true;
    self->flavor_->close();
  });
}

void stream_server::stop() {
  if (stopped_.exchange(true))
    return;
  run_and_wait(io_, [self = shared_from_this()] { self->shut_down(); });
}

sink_outcome stream_server::write(const event& ev, serializer& ser) {
  forget_finished_streams(ser);
  if (!sink_linked_ || stopped_)
    return sink_outcome::failed;
  if (peers_.size() == 0) {
    // Tremor's servers: no connection at all means upstream should stop
    // sending until a peer connects again.
    if (breaker_open_.exchange(false))
      ctx_->circuit_breaker(false);
    return sink_outcome::failed;
  }
  targets_.clear();
  std::string key;
  const bool named = flavor_->key_in(ev.meta, key);
  peers_.find_targets(named ? &key : nullptr, ev.id, source_id_, targets_);
  if (targets_.empty())
    return sink_outcome::failed; // its connection is gone
  bool ok = true;
  for (auto& target : targets_) {
    frames_.clear();
    if (!ser.serialize(target->stream, ev.payload, ev.ingest_ns, frames_, err_)) {
      ctx_->log(log_level::error, "cannot serialize a reply: " + err_);
      ok = false;
      continue;
    }
    ok = queue_frames(target) && ok;
  }
  if (outbox_.push(batch_))
    asio::post(io_, [self = shared_from_this()] { self->send_outbox(); });
  return ok ? sink_outcome::done : sink_outcome::failed;
}

bool stream_server::queue_frames(const peer_ptr& target) {
  size_t total = 0;
  for (const auto& f : frames_)
    total += f.size();
  if (target->queued.load(std::memory_order_relaxed) + total > settings_.max_queued_bytes) {
    // The peer reads slower than we answer: fail rather than grow.
    ++slow_peer_failed_;
    log_doubling(slow_peer_failed_, "stream " + std::to_string(target->stream) +
                                        " reads its replies too slowly (`max_queued_bytes` " +
                                        std::to_string(settings_.max_queued_bytes) + ")");
    return false;
  }
  target->queued.fetch_add(total, std::memory_order_relaxed);
  for (auto& f : frames_)
    batch_.push_back(outgoing_bytes{target, std::move(f), std::nullopt});
  return true;
}

void stream_server::finish(serializer& ser) {
  forget_finished_streams(ser);
  if (stopped_)
    return;
  for (auto& target : peers_.all()) {
    frames_.clear();
    ser.finish_stream(target->stream, frames_);
    if (!frames_.empty() && !queue_frames(target))
      ctx_->log(log_level::warning, "the end of stream " + std::to_string(target->stream) +
                                        "'s output was not sent: its peer reads too slowly");
  }
  if (outbox_.push(batch_))
    asio::post(io_, [self = shared_from_this()] { self->send_outbox(); });
}

void stream_server::forget_finished_streams(serializer& ser) {
  if (!has_finished_.load(std::memory_order_acquire))
    return;
  {
    std::lock_guard<std::mutex> guard(finished_mtx_);
    finished_swap_.swap(finished_);
    has_finished_ = false;
  }
  for (auto stream : finished_swap_) {
    // The connection is gone: what the framing still holds has nowhere to go.
    frames_.clear();
    ser.finish_stream(stream, frames_);
  }
  finished_swap_.clear();
}

void stream_server::log_doubling(std::atomic<uint64_t>& count, const std::string& what) {
  const uint64_t n = count.load(std::memory_order_relaxed);
  if ((n & (n - 1)) == 0)
    ctx_->log(log_level::warning, what + " (" + std::to_string(n) + " so far)");
}

// -- stream_server: event loop --------------------------------------------------------

void stream_server::listen() {
  if (stopping_)
    return;
  if (flavor_->listening()) {
    ctx_->connected();
    return;
  }
  std::string where, err;
  if (!flavor_->listen(io_, where, err)) {
    ctx_->connect_failed(err);
    return;
  }
  draining_ = false;
  ctx_->log(log_level::info, "listening on " + where);
  ctx_->connected();
  accept();
}

void stream_server::accept() {
  if (stopping_ || draining_ || !flavor_->listening())
    return;
  flavor_->async_accept(
      [self = shared_from_this()](const asio::error_code& ec, server_flavor::accepted a) {
        self->on_accept(ec, std::move(a));
      });
}

void stream_server::on_accept(const asio::error_code& ec, server_flavor::accepted a) {
  if (stopping_ || draining_ || !flavor_->listening()) {
    if (a.transport)
      a.transport->close();
    return;
  }
  if (ec) {
    if (ec == asio::error::operation_aborted)
      return;
    ++accept_errors_;
    log_doubling(accept_errors_, "cannot accept a connection: " + ec.message());
    accept_retry_.expires_after(accept_retry_delay);
    accept_retry_.async_wait([self = shared_from_this()](const asio::error_code& tec) {
      if (!tec)
        self->accept();
    });
    return;
  }
  if (sockets_open_ >= settings_.max_connections) {
    ++refused_;
    log_doubling(refused_, "`max_connections` (" + std::to_string(settings_.max_connections) +
                               ") reached: refusing a connection from " +
                               (a.host.empty() ? std::string("a peer")
                                               : a.host + ":" + std::to_string(a.port)));
    a.transport->close();
    accept();
    return;
  }
  const uint64_t stream = next_stream_++;
  auto key = flavor_->key_of(stream, a);
  auto meta = flavor_->meta_of(stream, a);
  auto c = std::make_shared<stream_connection>(io_, std::move(a.transport), stream,
                                               std::move(key), std::move(meta),
                                               settings_.connection, shared_from_this(), backlog_);
  ++sockets_open_;
  connections_open_.store(sockets_open_, std::memory_order_relaxed);
  connections_.emplace(stream, c);
  c->start(paused_);
  accept();
}

void stream_server::on_ready(stream_connection& c) {
  if (stopping_)
    return;
  peers_.add(c.shared_from_this());
  if (!breaker_open_.exchange(true))
    ctx_->circuit_breaker(true);
}

void stream_server::on_data(stream_connection& c, std::string data) {
  if (stopping_)
    return;
  if (!budget_.take(c.partial_line, data)) {
    ++budget_closed_;
    log_doubling(budget_closed_,
                 "closing stream " + std::to_string(c.stream) +
                     ": its unfinished line took the connections over "
                     "`partial_line_budget_bytes` (" +
                     std::to_string(budget_.limit()) + ")");
    c.close(stream_end::local, "over the partial line budget");
    return;
  }
  ctx_->receive_bytes(c.stream, std::move(data), c.meta());
}

void stream_server::on_end(stream_connection& c, stream_end why, const std::string& detail) {
  budget_.release(c.partial_line);
  peers_.remove(c.stream);
  {
    std::lock_guard<std::mutex> guard(finished_mtx_);
    finished_.push_back(c.stream);
    has_finished_ = true;
  }
  if (stopping_)
    return;
  if (why == stream_end::idle) {
    ++idle_closed_;
    ctx_->log(log_level::debug, "closed stream " + std::to_string(c.stream) + ": " + detail);
  } else {
    ctx_->log(log_level::debug, "stream " + std::to_string(c.stream) + " ended: " + detail);
  }
  // Flushes what `separate` holds of the stream: a last line without its
  // newline still becomes an event.
  ctx_->stream_finished(c.stream);
}

void stream_server::on_handshake_failed(stream_connection& c, const std::string& detail) {
  if (stopping_)
    return;
  ++handshakes_failed_;
  log_doubling(handshakes_failed_,
               "TLS handshake on connection " + std::to_string(c.stream) + " failed: " + detail);
}

void stream_server::on_written(const event_id&, bool) {
  // Replies are done once queued; nothing waits for their writes.
}

void stream_server::on_socket_closed(stream_connection& c) {
  --sockets_open_;
  connections_open_.store(sockets_open_, std::memory_order_relaxed);
  connections_.erase(c.stream);
}

void stream_server::send_outbox() {
  outbox_.take(sending_);
  for (auto& f : sending_)
    static_cast<stream_connection&>(*f.target).send(std::move(f.data), std::move(f.completes));
  sending_.clear();
}

void stream_server::shut_down() {
  stopping_ = true;
  asio::error_code ignored;
  accept_retry_.cancel(ignored);
  backlog_->cancel();
  flavor_->close();
  std::vector<std::shared_ptr<stream_connection>> open;
  open.reserve(connections_.size());
  for (auto& [stream, c] : connections_)
    open.push_back(c);
  for (auto& c : open)
    c->close(stream_end::local, "the connector stops");
  connections_.clear();
}

} // namespace temblor::connectors::common
