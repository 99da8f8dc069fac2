#include "runtime/connector/connector_actor.hpp"

#include <caf/all.hpp>

#include "runtime/system/log.hpp"

namespace temblor {

namespace {

// Batches a pull-based source may have in flight before it waits for sinks.
constexpr int max_batches_in_flight = 8;

void release_credit(void* owner) {
  auto* pool = static_cast<credit_pool*>(owner);
  pool->in_flight.fetch_sub(1, std::memory_order_acq_rel);
  if (pool->waiting.exchange(false))
    caf::anon_send(pool->owner, atom::pull_atom_v);
}

/// Marks a batch's credit token as coming from `pool`, so a sink can find the
/// pool again (std::get_deleter) without the token exposing it.
struct token_deleter {
  credit_pool* pool;
  void operator()(credit_token* token) const { delete token; }
};

} // namespace

// -- stream_serializer ----------------------------------------------------------

bool stream_serializer::serialize(uint64_t stream, const value& v, uint64_t ingest_ns,
                                  std::vector<std::string>& frames, std::string& err) {
  auto it = encoders_.find(stream);
  if (it == encoders_.end()) {
    auto encoder = spec_->make_encoder(err);
    if (!encoder)
      return false;
    it = encoders_.emplace(stream, std::move(encoder)).first;
  }
  return it->second->encode(v, ingest_ns, frames, err);
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

// -- connector_state: lifecycle --------------------------------------------------

connector_state::~connector_state() { stop(); }

void connector_state::wire(connector_wiring w) {
  wiring = std::move(w);
  context->bind(wiring);
  serializer = std::make_unique<stream_serializer>(&codec);
  credit = std::make_shared<credit_pool>();
  credit->owner = connector_actor{self};
  bool linked = false;
  for (const auto& link : wiring.outputs)
    linked = linked || link.out_port == "out";
  gate.set_linked(linked);
  gate.expect_sinks(wiring.downstream_sinks);
  connectors::start_args args;
  args.services = services;
  args.sink_linked = has_sink() && wiring.upstream_count > 0;
  args.source_linked = linked;
  inbox_scope scope(this);
  impl->start(args);
}

bool connector_state::pulling() const {
  if (!puller)
    return false;
  std::lock_guard<std::mutex> guard(puller->mutex);
  return puller->running;
}

void connector_state::start_connect() {
  if (stopped)
    return;
  inbox_scope scope(this);
  impl->connect();
}

void connector_state::on_connected() {
  connected = true;
  sink_connected = true;
  gate.set_connected(true);
  self->send(wiring.supervisor, atom::connected_atom_v, id);
  // Our sink is up: let the sources upstream send to us.
  if (has_sink())
    context->circuit_breaker(true);
  update_gate();
}

void connector_state::on_connect_failed(std::string reason) {
  connected = false;
  gate.set_connected(false);
  self->send(wiring.supervisor, atom::conn_fail_atom_v, id, std::move(reason));
}

void connector_state::on_connection_lost(std::string reason) {
  if (!connected)
    return;
  connected = false;
  sink_connected = false;
  gate.set_connected(false);
  if (has_sink())
    context->circuit_breaker(false);
  update_gate();
  self->send(wiring.supervisor, atom::conn_lost_atom_v, id, std::move(reason));
}

void connector_state::stop() {
  if (stopped)
    return;
  stopped = true;
  report_failures("before the connector stopped");
  if (context)
    context->detach();
  if (!impl)
    return;
  if (puller) {
    std::lock_guard<std::mutex> guard(puller->mutex);
    if (puller->running) {
      // The pull on the blocking pool stops the connector when it returns.
      puller->stop_requested = true;
      return;
    }
  }
  inbox_scope scope(this);
  impl->stop();
}

// -- connector_state: source side ------------------------------------------------

event connector_state::make_event(uint64_t stream, value payload, value meta, uint64_t ingest_ns) {
  event ev;
  ev.payload = std::move(payload);
  ev.meta = std::move(meta);
  ev.ingest_ns = ingest_ns;
  ev.id = event_id{id, stream, next_pull[stream]++};
  ev.transactional = transactional;
  return ev;
}

void connector_state::emit_decoded(uint64_t stream, std::vector<codecs::decoded>& decoded,
                                   value meta) {
  for (size_t i = 0; i < decoded.size(); ++i) {
    auto& d = decoded[i];
    if (d.ok) {
      // Every event gets its own meta; the last one takes the original (a
      // message-based source such as ws_server decodes one event per frame).
      if (i + 1 == decoded.size())
        out_batch.push_back(make_event(stream, std::move(d.data), std::move(meta), d.ingest_ns));
      else
        out_batch.push_back(make_event(stream, std::move(d.data), meta, d.ingest_ns));
      continue;
    }
    // Tremor's shape for codec and preprocessor errors on the `err` port.
    auto ev = make_event(stream, value{}, meta, d.ingest_ns);
    record payload;
    payload.set("error", d.error);
    payload.set("source", alias);
    payload.set("stream_id", stream);
    payload.set("pull_id", ev.id.origins().front().max_pull);
    ev.payload = value{std::move(payload)};
    ev.meta.set("error", d.error);
    err_batch.push_back(std::move(ev));
  }
}

void connector_state::on_bytes(uint64_t stream, std::string data, value meta) {
  if (source_drained)
    return;
  auto it = decoders.find(stream);
  if (it == decoders.end()) {
    std::string err;
    auto decoder = codec.make_decoder(err);
    if (!decoder) {
      log::error("[" + alias + "] " + err);
      return;
    }
    it = decoders.emplace(stream, std::move(decoder)).first;
  }
  decoded_scratch.clear();
  it->second->decode(now_ns(), data, decoded_scratch);
  emit_decoded(stream, decoded_scratch, std::move(meta));
  // Inside pull() or a queue drain the batch grows over every chunk and
  // goes out once.
  if (!batching)
    flush_batches();
}

void connector_state::on_value(uint64_t stream, value payload, value meta) {
  if (source_drained)
    return;
  out_batch.push_back(make_event(stream, std::move(payload), std::move(meta), now_ns()));
  if (!batching)
    flush_batches();
}

void connector_state::on_emit(const std::string& port, uint64_t stream, value payload,
                              value meta) {
  if (source_drained)
    return;
  auto ev = make_event(stream, std::move(payload), std::move(meta), now_ns());
  if (port == "out") {
    out_batch.push_back(std::move(ev));
  } else if (port == "err") {
    err_batch.push_back(std::move(ev));
  } else {
    std::vector<event> single;
    single.push_back(std::move(ev));
    send_batch(port, single);
    return;
  }
  if (!batching)
    flush_batches();
}

void connector_state::take_queued_input() {
  batching = true;
  context->deliver_queued(*this);
  batching = false;
  flush_batches();
}

void connector_state::on_stream_end(uint64_t stream) {
  auto it = decoders.find(stream);
  if (it != decoders.end()) {
    std::vector<codecs::decoded> decoded;
    it->second->finish(decoded);
    emit_decoded(stream, decoded, value{});
    decoders.erase(it);
    flush_batches();
  }
  next_pull.erase(stream);
}

void connector_state::on_source_end() {
  source_ended = true;
  pull_exhausted = true;
  if (source_draining)
    finish_source();
}

void connector_state::send_batch(const std::string& port, std::vector<event>& events) {
  if (events.empty())
    return;
  std::vector<const port_link*> targets;
  for (const auto& link : wiring.outputs)
    if (link.out_port == port)
      targets.push_back(&link);
  if (targets.empty()) {
    // Tremor drops events on unconnected ports without ack or fail.
    events.clear();
    return;
  }
  credit->in_flight.fetch_add(1, std::memory_order_acq_rel);
  event_batch batch;
  batch.credit = std::shared_ptr<credit_token>(new credit_token(credit, release_credit),
                                               token_deleter{credit.get()});
  batch.events = std::move(events);
  events.clear();
  for (size_t i = 0; i + 1 < targets.size(); ++i)
    self->send(targets[i]->target, atom::event_atom_v, targets[i]->target_port, batch);
  self->send(targets.back()->target, atom::event_atom_v, targets.back()->target_port,
             std::move(batch));
}

void connector_state::flush_batches() {
  send_batch("out", out_batch);
  send_batch("err", err_batch);
}

void connector_state::update_gate() {
  if (!has_source() || stopped)
    return;
  // An unlinked source runs whenever it is connected: what it reads is
  // dropped anyway, and a paused transport would not see control frames and
  // closes either (a ws_client sink's socket then lingers until
  // websocketpp's close timeout).
  bool run = gate.connected() && (gate.open() || !gate.linked());
  if (run && push_paused) {
    push_paused = false;
    inbox_scope scope(this);
    impl->resume();
  } else if (!run && !push_paused && gate.connected()) {
    push_paused = true;
    inbox_scope scope(this);
    impl->pause();
  }
  if (gate.open())
    schedule_pull();
}

void connector_state::schedule_pull() {
  if (pull_scheduled || pull_exhausted || source_drained)
    return;
  pull_scheduled = true;
  self->send(self, atom::pull_atom_v);
}

void connector_state::pull() {
  pull_scheduled = false;
  free_recycled();
  if (pull_exhausted || source_drained || stopped || !gate.open())
    return;
  if (credit->in_flight.load(std::memory_order_acquire) >= max_batches_in_flight) {
    credit->waiting = true;
    // A token may have come back between the check and the flag.
    if (credit->in_flight.load(std::memory_order_acquire) >= max_batches_in_flight)
      return;
    credit->waiting = false;
  }
  if (puller) {
    std::lock_guard<std::mutex> guard(puller->mutex);
    if (puller->running)
      return;
    puller->running = true;
    // The pool thread is not the actor's: what pull() hands the context is
    // queued and taken by take_queued_input() before `pulled` arrives.
    services.blocking->post([impl = impl, p = puller, owner = connector_actor{self}] {
      bool more = false;
      std::string failure;
      try {
        more = impl->pull();
      } catch (const std::exception& e) {
        failure = e.what();
      }
      std::lock_guard<std::mutex> guard(p->mutex);
      p->running = false;
      if (p->stop_requested) {
        impl->stop();
        return;
      }
      if (!failure.empty())
        caf::anon_send(owner, atom::conn_lost_atom_v, "read failed: " + failure);
      caf::anon_send(owner, atom::pulled_atom_v, more);
    });
    return;
  }
  bool more = false;
  {
    inbox_scope scope(this);
    batching = true;
    more = impl->pull();
    batching = false;
  }
  pulled(more);
}

void connector_state::pulled(bool more) {
  if (puller) {
    take_queued_input();
    for (auto& [is_ack, ev_id] : deferred_contraflow)
      handle_contraflow(is_ack, ev_id);
    deferred_contraflow.clear();
    if (drain_deferred) {
      drain_deferred = false;
      begin_source_drain();
    }
    if (stopped)
      return;
  }
  flush_batches();
  // A pull-based source allocates every event on its own thread; when a sink
  // on another thread frees them, both contend for the allocator's arena
  // lock (glibc), which costs more than the work itself. Reading sources
  // take them back instead and free them between reads.
  credit->recycling.store(more, std::memory_order_relaxed);
  if (!more) {
    free_recycled();
    pull_exhausted = true;
    if (source_draining)
      finish_source();
    return;
  }
  schedule_pull();
}

void connector_state::begin_source_drain() {
  if (source_draining)
    return;
  if (pulling()) {
    drain_deferred = true;
    return;
  }
  source_draining = true;
  {
    inbox_scope scope(this);
    impl->drain();
  }
  // A pull-based source reads to its end first (Tremor's file source does);
  // push-based, unlinked and disconnected sources stop here.
  if (pull_exhausted || source_ended || !connected || !gate.linked())
    finish_source();
}

void connector_state::finish_source() {
  if (source_drained)
    return;
  std::vector<uint64_t> streams;
  for (const auto& [stream, decoder] : decoders)
    streams.push_back(stream);
  for (auto stream : streams)
    on_stream_end(stream);
  flush_batches();
  source_drained = true;
  // Markers follow the last batch on the same channel, so they arrive after it.
  std::vector<event_sink_actor> notified;
  for (const auto& link : wiring.outputs) {
    if (std::find(notified.begin(), notified.end(), link.target) != notified.end())
      continue;
    notified.push_back(link.target);
    self->send(link.target, atom::drain_atom_v, id);
  }
  maybe_report_drained();
}

void connector_state::handle_contraflow(bool is_ack, const event_id& ev_id) {
  if (pulling()) {
    deferred_contraflow.emplace_back(is_ack, ev_id);
    return;
  }
  inbox_scope scope(this);
  for (const auto& origin : ev_id.origins()) {
    if (origin.source != id)
      continue;
    if (is_ack)
      impl->ack(origin.stream, origin.max_pull);
    else
      impl->fail(origin.stream, origin.min_pull);
  }
}

// -- connector_state: sink side --------------------------------------------------

void connector_state::complete(const event& ev, bool ok) {
  if (ok) {
    report_failures("before writes succeeded again");
  } else {
    ++failed_writes;
    // The first failure of an outage is logged at once, the count when it ends.
    if (failed_writes - failures_reported == 1)
      log::warning("[" + alias + "] an event failed to be written (" +
                   std::string(sink_connected ? "the sink refused it" : "not connected") +
                   "); further failures are counted until a write succeeds");
  }
  if (!ev.transactional)
    return;
  if (ok)
    context->ack(ev.id);
  else
    context->fail(ev.id);
}

void connector_state::report_failures(const char* until) {
  if (failed_writes == failures_reported)
    return;
  log::warning("[" + alias + "] " + std::to_string(failed_writes - failures_reported) +
               " event(s) failed to be written " + until + " (" +
               std::to_string(failed_writes) + " in total)");
  failures_reported = failed_writes;
}

void connector_state::apply(const event& ev, connectors::sink_outcome outcome) {
  switch (outcome) {
    case connectors::sink_outcome::done: complete(ev, true); break;
    case connectors::sink_outcome::failed: complete(ev, false); break;
    case connectors::sink_outcome::pending: break;
  }
}

void connector_state::write_batch(const std::string& port, event_batch& batch) {
  if (!has_sink() || stopped) {
    for (const auto& ev : batch.events)
      complete(ev, false);
    return;
  }
  inbox_scope scope(this);
  for (const auto& ev : batch.events) {
    if (!sink_connected)
      complete(ev, false);
    else if (ev.is_batch && ev.payload.is_array())
      apply(ev, write_batched(port, ev));
    else
      apply(ev, impl->write(port, ev, *serializer));
  }
  impl->flush();
  recycle(batch);
}

void connector_state::recycle(event_batch& batch) {
  if (!batch.credit || batch.events.empty())
    return;
  auto* d = std::get_deleter<token_deleter>(batch.credit);
  if (!d || !d->pool->recycling.load(std::memory_order_relaxed))
    return;
  std::lock_guard<std::mutex> guard(d->pool->recycled_mtx);
  d->pool->recycled.push_back(std::move(batch.events));
  batch.events.clear();
}

void connector_state::free_recycled() {
  if (!credit)
    return;
  {
    std::lock_guard<std::mutex> guard(credit->recycled_mtx);
    if (credit->recycled.empty())
      return;
    recycled_scratch.swap(credit->recycled);
  }
  recycled_scratch.clear();
}

connectors::sink_outcome connector_state::write_batched(const std::string& port,
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
    auto outcome = impl->write(port, element, *serializer);
    failed = failed || outcome == connectors::sink_outcome::failed;
    done = done || outcome == connectors::sink_outcome::done;
  }
  if (failed)
    return connectors::sink_outcome::failed;
  return done ? connectors::sink_outcome::done : connectors::sink_outcome::pending;
}

void connector_state::on_drain_marker() {
  ++drain_markers;
  maybe_report_drained();
}

void connector_state::request_drain() {
  drain_requested = true;
  if (has_source())
    begin_source_drain();
  maybe_report_drained();
}

void connector_state::maybe_report_drained() {
  if (!drain_requested || drained_reported)
    return;
  bool source_done = !has_source() || source_drained;
  bool sink_done = !has_sink() || drain_markers >= wiring.upstream_count;
  if (!source_done || !sink_done)
    return;
  if (has_sink()) {
    std::vector<std::string> frames;
    serializer->finish_all(frames);
    inbox_scope scope(this);
    impl->flush();
  }
  drained_reported = true;
  self->send(wiring.deployer, atom::drained_atom_v, id);
}

// -- behavior ----------------------------------------------------------------------

connector_actor::behavior_type connector(connector_actor::stateful_pointer<connector_state> self,
                                         connector_spec spec) {
  auto& st = self->state;
  st.self = self;
  st.id = spec.id;
  st.alias = std::move(spec.alias);
  st.impl = std::move(spec.impl);
  st.context = std::move(spec.context);
  st.codec = std::move(spec.codec);
  st.ports = std::move(spec.ports);
  st.services = spec.services;
  if (spec.blocking)
    st.puller = std::make_shared<blocking_puller>();
  st.context->attach(connector_actor{self}, &st);
  st.transactional = st.impl->transactional();
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    self->state.stop();
    self->quit(msg.reason);
  });
  return {
    [self](atom::start_atom, connector_wiring& wiring) -> caf::ok_atom {
      self->state.wire(std::move(wiring));
      return caf::ok_atom_v;
    },
    [self](atom::connect_atom) { self->state.start_connect(); },
    [self](atom::event_atom, std::string& port, event_batch& batch) {
      self->state.write_batch(port, batch);
    },
    [self](atom::drain_atom, uint64_t) { self->state.on_drain_marker(); },
    [self](atom::drain_atom) { self->state.request_drain(); },
    [self](atom::stop_atom) {
      self->state.stop();
      self->quit();
    },
    [self](atom::pull_atom) { self->state.pull(); },
    [self](atom::pulled_atom, bool more) { self->state.pulled(more); },
    [self](atom::ack_atom, const event_id& id) { self->state.handle_contraflow(true, id); },
    [self](atom::fail_atom, const event_id& id) { self->state.handle_contraflow(false, id); },
    [self](atom::cb_trigger_atom, uint64_t sink) {
      self->state.gate.trigger(sink);
      self->state.update_gate();
    },
    [self](atom::cb_restore_atom, uint64_t sink) {
      self->state.gate.restore(sink);
      self->state.update_gate();
    },
    [self](atom::connected_atom) { self->state.on_connected(); },
    [self](atom::conn_fail_atom, std::string& reason) {
      self->state.on_connect_failed(std::move(reason));
    },
    [self](atom::conn_lost_atom, std::string& reason) {
      self->state.on_connection_lost(std::move(reason));
    },
    [self](atom::data_atom) { self->state.take_queued_input(); },
  };
}

} // namespace temblor
