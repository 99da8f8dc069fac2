#include "runtime/connector/connector_machine.hpp"

namespace temblor {

using kind = context_call::kind;

connector_machine::connector_machine(settings s, std::shared_ptr<connectors::connector> impl,
                                     connectors::connector_ports ports, codecs::chain_spec codec,
                                     std::shared_ptr<context_queue> context, outbox& out,
                                     std::function<void()> wake_on_credit,
                                     connector_rebuild rebuild)
  : settings_(std::move(s)), impl_(std::move(impl)), ports_(std::move(ports)),
    codec_(std::move(codec)), context_(std::move(context)), out_(out),
    credit_(std::make_shared<credit_pool>(settings_.max_batches_in_flight,
                                          std::move(wake_on_credit))),
    rebuild_(std::move(rebuild)) {
  if (!settings_.stats)
    settings_.stats = std::make_shared<stage_stats>(stage_stats::kind::connector, settings_.alias,
                                                    "", "", ports_.inputs, ports_.outputs);
  if (!ports_.outputs.empty()) {
    source_machine::settings ss;
    ss.id = settings_.id;
    ss.alias = settings_.alias;
    ss.transactional = impl_->transactional();
    ss.blocking = settings_.blocking;
    ss.max_batches_in_flight = settings_.max_batches_in_flight;
    ss.stats = settings_.stats.get();
    source_.emplace(ss, codec_, impl_, out_, credit_);
  }
  if (!ports_.inputs.empty())
    sink_.emplace(settings_.alias, codec_, impl_, out_, *settings_.stats);
}

connector_machine::~connector_machine() { stop(); }

const char* connector_machine::name(connection c) {
  switch (c) {
    case connection::idle: return "idle";
    case connection::connecting: return "connecting";
    case connection::connected: return "connected";
    case connection::stopped: return "stopped";
  }
  return "unknown";
}

// -- life cycle ------------------------------------------------------------------

void connector_machine::start(io::services services, size_t feeders, bool out_linked,
                              const std::vector<uint64_t>& sinks) {
  start_args_.services = services;
  start_args_.sink_linked = sink_ && feeders > 0;
  start_args_.source_linked = source_ && out_linked;
  start_args_.metrics = settings_.metrics;
  if (sink_)
    sink_->wire(feeders);
  impl_->start(start_args_);
  if (source_)
    source_->wire(out_linked, sinks);
  take_calls();
}

void connector_machine::connect() {
  if (connection_ == connection::stopped || connection_ == connection::connected)
    return;
  connection_ = connection::connecting;
  if (connects_++ > 0)
    settings_.stats->reconnects.fetch_add(1, std::memory_order_relaxed);
  impl_->connect();
  take_calls();
}

void connector_machine::drain(bool finish_input) {
  if (connection_ == connection::stopped)
    return;
  drain_requested_ = true;
  if (source_)
    source_->drain(finish_input);
  if (sink_)
    sink_->drain();
  take_calls();
}

void connector_machine::stop() {
  if (connection_ == connection::stopped)
    return;
  connection_ = connection::stopped;
  if (sink_)
    sink_->report_failures("before the connector stopped");
  context_->detach();
  stop_impl();
}

void connector_machine::stop_impl() {
  // A pull on the blocking pool stops the implementation when it returns.
  if (guard_->request_stop())
    impl_->stop();
}

// -- context calls -----------------------------------------------------------------

void connector_machine::take_calls() {
  // Calls made while these are handled (a resume() that queues data, say)
  // are taken in the next round.
  bool over_mark = false;
  for (int round = 0; connection_ != connection::stopped; ++round) {
    over_mark = over_mark || context_->over_mark();
    context_->take(calls_);
    if (calls_.empty())
      break;
    for (auto& c : calls_) {
      if (connection_ == connection::stopped)
        break;
      switch (c.what) {
        case kind::connected: on_connected(); break;
        case kind::connect_failed: on_connect_failed(c.text); break;
        case kind::connection_lost: on_lost(c.text); break;
        case kind::bytes:
          traffic_ = true;
          if (source_ && c.decoded_ahead)
            source_->on_decoded(c.stream, c.byte_count, c.decoded, std::move(c.meta),
                                c.has_pull_id ? &c.pull_id : nullptr);
          else if (source_)
            source_->on_bytes(c.stream, c.text, std::move(c.meta),
                              c.has_pull_id ? &c.pull_id : nullptr);
          break;
        case kind::structured:
          traffic_ = true;
          if (source_)
            source_->on_value("out", c.stream, std::move(c.payload), std::move(c.meta),
                              c.has_pull_id ? &c.pull_id : nullptr);
          break;
        case kind::pull_again:
          if (source_)
            source_->pull_again(c.delay_ns);
          break;
        case kind::emitted:
          if (source_ && ports_.has_output(c.text)) {
            source_->on_value(c.text, c.stream, std::move(c.payload), std::move(c.meta));
          } else if (context_->counter("events_to_undeclared_ports")
                       .fetch_add(1, std::memory_order_relaxed) == 0) {
            out_.log(connectors::log_level::error,
                     "dropped an event emitted to undeclared port `" + c.text +
                       "` (a bug in the connector; further ones are only counted)");
          }
          break;
        case kind::stream_end:
          if (source_)
            source_->on_stream_end(c.stream, c.decoded_ahead ? &c.decoded : nullptr);
          break;
        case kind::source_end:
          if (source_)
            source_->on_source_end();
          break;
        case kind::ack: out_.ack(c.id); break;
        case kind::fail: out_.fail(c.id); break;
        case kind::breaker: out_.circuit_breaker(c.open); break;
        case kind::shutdown: out_.request_shutdown(c.delay_ns, c.open); break;
      }
    }
    if (source_) {
      source_->flush();
      // Each round, not only the last: a loop that keeps feeding would keep
      // this one taking, and the pause would come after everything was read.
      if (connection_ != connection::stopped)
        source_->apply_backpressure(over_mark);
    }
  }
  calls_.clear();
  // What is queued now decides: a pause for a backlog this call already
  // took would never be lifted (nothing wakes a paused source but credit).
  if (source_ && connection_ != connection::stopped)
    source_->apply_backpressure(context_->over_mark());
  if (source_ && drain_requested_)
    source_->check_replies();
  if (sink_ && drain_requested_)
    sink_->check_drained();
  maybe_report_drained();
  schedule_recheck();
}

void connector_machine::schedule_recheck() {
  if (!drain_requested_ || drained_reported_ || recheck_scheduled_ ||
      connection_ == connection::stopped || impl_->writes_in_flight() == 0)
    return;
  recheck_scheduled_ = true;
  // A pull turn takes the calls and looks again (begin_pull reads nothing
  // while a signal drain runs or the source has nothing more to read).
  out_.schedule_pull(recheck_interval_ns);
}

void connector_machine::on_connected() {
  if (connection_ == connection::connected)
    return;
  connection_ = connection::connected;
  settings_.stats->connected.store(1, std::memory_order_relaxed);
  connected_at_ = out_.now();
  traffic_ = false;
  // The first connection is news for an operator; reconnects are logged by
  // the supervisor with their attempt count.
  if (connects_ == 1)
    out_.log(connectors::log_level::info, "connected");
  out_.tell_supervisor(connection_report::connected, "");
  if (sink_)
    sink_->set_connected(true);
  if (source_)
    source_->set_connected(true);
}

void connector_machine::on_connect_failed(const std::string& reason) {
  if (connection_ == connection::connected)
    return; // a late outcome of an attempt that was superseded
  connection_ = connection::idle;
  out_.tell_supervisor(connection_report::connect_failed, reason);
}

void connector_machine::on_lost(const std::string& reason) {
  if (connection_ != connection::connected)
    return;
  connection_ = connection::idle;
  settings_.stats->connected.store(0, std::memory_order_relaxed);
  if (sink_)
    sink_->set_connected(false);
  if (source_)
    source_->set_connected(false);
  uint64_t lived = out_.now() - connected_at_;
  if (!traffic_ && lived < connection_grace_ns) {
    out_.tell_supervisor(connection_report::connect_failed,
                         "dropped " + std::to_string(lived / 1'000'000) +
                           " ms after connecting, before any traffic: " + reason);
    return;
  }
  out_.tell_supervisor(connection_report::lost, reason);
}

void connector_machine::maybe_report_drained() {
  if (!drain_requested_ || drained_reported_ || connection_ == connection::stopped)
    return;
  if ((source_ && !source_->drained()) || (sink_ && !sink_->drained()))
    return;
  drained_reported_ = true;
  out_.report_drained();
}

blocking_pull connector_machine::lend_pull() {
  context_->hold();
  blocking_pull pull;
  pull.impl = impl_;
  pull.context = context_;
  if (source_)
    pull.decoders = source_->decoders();
  return pull;
}

// -- messages ------------------------------------------------------------------------

void connector_machine::pull() {
  recheck_scheduled_ = false;
  if (connection_ == connection::stopped)
    return;
  if (!source_) {
    take_calls();
    return;
  }
  if (source_->begin_pull()) {
    bool more = impl_->pull();
    take_calls();
    source_->pulled(more);
  }
  take_calls();
}

void connector_machine::pulled(bool more) {
  if (!source_ || connection_ == connection::stopped)
    return;
  // What the pull handed the context comes first.
  take_calls();
  source_->pulled(more);
  take_calls();
}

void connector_machine::write(const std::string& port, event_batch& batch) {
  if (!sink_ || connection_ == connection::stopped) {
    // Nothing can write them: fail what needs an answer.
    for (const auto& ev : batch.events)
      if (ev.transactional)
        out_.fail(ev.id);
    return;
  }
  traffic_ = traffic_ || !batch.events.empty();
  if (source_ && source_->awaiting_replies())
    for (const auto& ev : batch.events)
      for (const auto& origin : ev.id.origins())
        if (origin.source == settings_.id)
          source_->loop_closed();
  sink_->write(port, batch);
  take_calls(); // a lost connection reported by the flush comes first
  sink_->settle();
}

void connector_machine::drain_marker() {
  if (!sink_)
    return;
  sink_->on_drain_marker();
  take_calls();
}

void connector_machine::trigger(uint64_t sink) {
  if (source_) {
    source_->trigger(sink);
    take_calls();
  }
}

void connector_machine::restore(uint64_t sink) {
  if (source_) {
    source_->restore(sink);
    take_calls();
  }
}

void connector_machine::set_paused(bool paused) {
  if (source_) {
    source_->set_paused(paused);
    take_calls();
  }
}

void connector_machine::contraflow(bool ack, const event_id& id) {
  if (!source_ || connection_ == connection::stopped)
    return;
  source_->contraflow(ack, id);
  take_calls();
}

// -- faults --------------------------------------------------------------------------

void connector_machine::fault(const std::string& what) {
  if (connection_ == connection::stopped)
    return;
  out_.log(connectors::log_level::error, "connector fault: " + what);
  context_->counter("faults").fetch_add(1, std::memory_order_relaxed);
  bool was_connected = connection_ == connection::connected;
  try {
    stop_impl();
  } catch (const std::exception&) {
    // The old implementation is being replaced; how it ends is moot.
  }
  std::string err = "no way to rebuild it";
  std::shared_ptr<connectors::connector> fresh;
  // The old implementation's stray calls must not reach the new one.
  context_ = context_->successor();
  if (rebuild_) {
    try {
      fresh = rebuild_(context_, err);
    } catch (const std::exception& e) {
      err = e.what();
    }
  }
  connection_ = connection::idle;
  settings_.stats->connected.store(0, std::memory_order_relaxed);
  if (sink_)
    sink_->set_connected(false);
  if (!fresh) {
    out_.log(connectors::log_level::error, "cannot restart the connector: " + err);
    out_.tell_supervisor(connection_report::failed, "fault: " + what);
    return;
  }
  guard_ = std::make_shared<pull_guard>();
  impl_ = std::move(fresh);
  impl_->start(start_args_);
  if (source_)
    source_->restarted();
  // The supervisor reconnects per the reconnect policy, as after a lost
  // connection (a fault before the first connect counts as a failed one).
  out_.tell_supervisor(was_connected ? connection_report::lost : connection_report::connect_failed,
                       "fault: " + what);
  take_calls();
}

} // namespace temblor
