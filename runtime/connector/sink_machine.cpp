#include "runtime/connector/sink_machine.hpp"

#include "runtime/connector/credit_pool.hpp"

namespace temblor {

// -- stream_serializer ------------------------------------------------------------

bool stream_serializer::serialize(uint64_t stream, const value& v, uint64_t ingest_ns,
                                  std::vector<std::string>& frames, std::string& err) {
  auto it = encoders_.find(stream);
  if (it == encoders_.end()) {
    auto encoder = spec_.make_encoder(err);
    if (!encoder)
      return false;
    it = encoders_.emplace(stream, std::move(encoder)).first;
  }
  size_t before = frames.size();
  if (!it->second->encode(v, ingest_ns, frames, err))
    return false;
  uint64_t bytes = 0;
  for (size_t i = before; i < frames.size(); ++i)
    bytes += frames[i].size();
  stats_.bytes_out.fetch_add(bytes, std::memory_order_relaxed);
  return true;
}

void stream_serializer::finish_stream(uint64_t stream, std::vector<std::string>& frames) {
  auto it = encoders_.find(stream);
  if (it == encoders_.end())
    return;
  it->second->finish(frames);
  encoders_.erase(it);
}

void stream_serializer::finish_all(std::vector<std::string>& frames) {
  for (auto& [stream, encoder] : encoders_)
    encoder->finish(frames);
  encoders_.clear();
}

// -- sink_machine -------------------------------------------------------------------

sink_machine::sink_machine(std::string alias, const codecs::chain_spec& codec,
                           const std::shared_ptr<connectors::connector>& impl, outbox& out,
                           stage_stats& stats)
  : alias_(std::move(alias)), impl_(impl), out_(out), stats_(stats), serializer_(codec, stats) {}

const char* sink_machine::name(phase p) {
  switch (p) {
    case phase::down: return "down";
    case phase::up: return "up";
    case phase::drained: return "drained";
  }
  return "unknown";
}

void sink_machine::set_connected(bool connected) {
  if (phase_ == phase::drained)
    return;
  phase next = connected ? phase::up : phase::down;
  if (next == phase_)
    return;
  phase_ = next;
  // Our sink is up: let the sources upstream send to us (or stop them).
  out_.circuit_breaker(connected);
}

void sink_machine::complete(const event& ev, bool ok) {
  if (ok) {
    ++written_;
    report_failures("before writes succeeded again");
  } else {
    ++failed_writes_;
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    // The first failure of an outage is logged at once, the count when it ends.
    if (failed_writes_ - failures_reported_ == 1)
      out_.log(connectors::log_level::warning,
               "an event failed to be written (" +
                 std::string(phase_ == phase::up ? "the sink refused it" : "not connected") +
                 "); further failures are counted until a write succeeds");
  }
  if (!ev.transactional)
    return;
  // Acked once the batch is flushed (settle), not while it sits in a buffer.
  if (ok)
    to_ack_.push_back(ev.id);
  else
    out_.fail(ev.id);
}

void sink_machine::report_failures(const char* until) {
  if (failed_writes_ == failures_reported_)
    return;
  out_.log(connectors::log_level::warning,
           std::to_string(failed_writes_ - failures_reported_) + " event(s) failed to be written " +
             until + " (" + std::to_string(failed_writes_) + " in total)");
  failures_reported_ = failed_writes_;
}

void sink_machine::apply(const event& ev, connectors::sink_outcome outcome) {
  switch (outcome) {
    case connectors::sink_outcome::done: complete(ev, true); break;
    case connectors::sink_outcome::failed: complete(ev, false); break;
    case connectors::sink_outcome::pending: break;
  }
}

connectors::sink_outcome sink_machine::write_batched(const std::string& port,
                                                     const event& batched) {
  // Tremor's sinks write every element of a batch as an event of its own;
  // the batch is failed if any element failed, acked if any was written, and
  // left alone when every element is left pending (the cb sink's "no command").
  bool failed = false;
  bool done = false;
  event element;
  element.meta = batched.meta;
  element.ingest_ns = batched.ingest_ns;
  for (const auto& payload : batched.payload.as_array()) {
    element.payload = payload;
    auto outcome = impl_->write(port, element, serializer_);
    failed = failed || outcome == connectors::sink_outcome::failed;
    done = done || outcome == connectors::sink_outcome::done;
  }
  if (failed)
    return connectors::sink_outcome::failed;
  return done ? connectors::sink_outcome::done : connectors::sink_outcome::pending;
}

void sink_machine::write(const std::string& port, event_batch& batch) {
  stats_.count_in(port, batch.events.size());
  for (const auto& ev : batch.events) {
    if (phase_ != phase::up)
      complete(ev, false);
    else if (ev.is_batch && ev.payload.is_array())
      apply(ev, write_batched(port, ev));
    else
      apply(ev, impl_->write(port, ev, serializer_));
  }
  if (phase_ == phase::up)
    impl_->flush();
  credit_pool::recycle(batch);
}

void sink_machine::settle() {
  for (const auto& id : to_ack_) {
    if (phase_ == phase::up) {
      out_.ack(id);
    } else {
      // The flush lost the connection: what it held never got out.
      stats_.errors.fetch_add(1, std::memory_order_relaxed);
      out_.fail(id);
    }
  }
  to_ack_.clear();
}

void sink_machine::on_drain_marker() {
  ++markers_;
  maybe_drained();
}

void sink_machine::drain() {
  drain_requested_ = true;
  maybe_drained();
}

void sink_machine::maybe_drained() {
  if (!drain_requested_ || phase_ == phase::drained || markers_ < feeders_ ||
      impl_->writes_in_flight() > 0)
    return;
  // Streams end: postprocessors and stream codecs flush what they buffered.
  impl_->finish(serializer_);
  std::vector<std::string> frames;
  serializer_.finish_all(frames);
  if (!frames.empty()) {
    size_t bytes = 0;
    for (const auto& f : frames)
      bytes += f.size();
    out_.log(connectors::log_level::warning,
             std::to_string(bytes) + " byte(s) of buffered output were not written at the stop " +
               "(this connector does not end its streams)");
  }
  impl_->flush();
  report_failures("before the connector drained");
  phase_ = phase::drained;
}

} // namespace temblor
