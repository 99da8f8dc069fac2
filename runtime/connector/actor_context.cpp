#include "runtime/connector/actor_context.hpp"

#include <algorithm>

#include <caf/send.hpp>

#include "runtime/system/log.hpp"

namespace temblor {

namespace {

thread_local connector_inbox* current_inbox = nullptr;

} // namespace

inbox_scope::inbox_scope(connector_inbox* inbox) : previous_(current_inbox) {
  current_inbox = inbox;
}

inbox_scope::~inbox_scope() { current_inbox = previous_; }

actor_context::actor_context(uint64_t id, std::string alias) : id_(id), alias_(std::move(alias)) {}

void actor_context::attach(connector_actor self, connector_inbox* inbox) {
  self_ = std::move(self);
  inbox_ = inbox;
  attached_ = true;
}

void actor_context::bind(const connector_wiring& wiring) {
  ack_targets_ = wiring.ack_targets;
  upstream_sources_ = wiring.upstream_sources;
  deployer_ = wiring.deployer;
}

void actor_context::detach() { attached_ = false; }

connector_inbox* actor_context::local_inbox() const {
  return current_inbox == inbox_ ? inbox_ : nullptr;
}

void actor_context::log(connectors::log_level level, std::string message) {
  std::string line = "[" + alias_ + "] " + message;
  switch (level) {
    case connectors::log_level::debug: log::debug(line); break;
    case connectors::log_level::info: log::info(line); break;
    case connectors::log_level::warning: log::warning(line); break;
    case connectors::log_level::error: log::error(line); break;
  }
}

void actor_context::connected() {
  if (auto* inbox = local_inbox())
    inbox->on_connected();
  else if (attached_)
    caf::anon_send(self_, atom::connected_atom_v);
}

void actor_context::connect_failed(std::string reason) {
  if (auto* inbox = local_inbox())
    inbox->on_connect_failed(std::move(reason));
  else if (attached_)
    caf::anon_send(self_, atom::conn_fail_atom_v, std::move(reason));
}

void actor_context::connection_lost(std::string reason) {
  if (auto* inbox = local_inbox())
    inbox->on_connection_lost(std::move(reason));
  else if (attached_)
    caf::anon_send(self_, atom::conn_lost_atom_v, std::move(reason));
}

void actor_context::enqueue(queued_input item) {
  bool was_empty = false;
  {
    std::lock_guard<std::mutex> guard(queue_mutex_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(item));
  }
  if (was_empty && attached_)
    caf::anon_send(self_, atom::data_atom_v);
}

void actor_context::deliver_queued(connector_inbox& inbox) {
  {
    std::lock_guard<std::mutex> guard(queue_mutex_);
    draining_.swap(queue_);
  }
  for (auto& item : draining_) {
    switch (item.what) {
      case queued_input::kind::bytes:
        inbox.on_bytes(item.stream, std::move(item.data), std::move(item.meta));
        break;
      case queued_input::kind::structured:
        inbox.on_value(item.stream, std::move(item.payload), std::move(item.meta));
        break;
      case queued_input::kind::emitted:
        inbox.on_emit(item.port, item.stream, std::move(item.payload), std::move(item.meta));
        break;
      case queued_input::kind::stream_end: inbox.on_stream_end(item.stream); break;
      case queued_input::kind::source_end: inbox.on_source_end(); break;
    }
  }
  draining_.clear();
}

void actor_context::receive_bytes(uint64_t stream, std::string data, value meta) {
  if (auto* inbox = local_inbox())
    inbox->on_bytes(stream, std::move(data), std::move(meta));
  else
    enqueue({queued_input::kind::bytes, stream, {}, std::move(data), value{}, std::move(meta)});
}

void actor_context::receive_value(uint64_t stream, value payload, value meta) {
  if (auto* inbox = local_inbox())
    inbox->on_value(stream, std::move(payload), std::move(meta));
  else
    enqueue({queued_input::kind::structured, stream, {}, {}, std::move(payload), std::move(meta)});
}

void actor_context::emit(std::string port, uint64_t stream, value payload, value meta) {
  if (auto* inbox = local_inbox())
    inbox->on_emit(port, stream, std::move(payload), std::move(meta));
  else
    enqueue({queued_input::kind::emitted, stream, std::move(port), {}, std::move(payload),
             std::move(meta)});
}

void actor_context::stream_finished(uint64_t stream) {
  if (auto* inbox = local_inbox())
    inbox->on_stream_end(stream);
  else
    enqueue({queued_input::kind::stream_end, stream, {}, {}, value{}, value{}});
}

void actor_context::source_finished() {
  if (auto* inbox = local_inbox())
    inbox->on_source_end();
  else
    enqueue({queued_input::kind::source_end, 0, {}, {}, value{}, value{}});
}

template <class Atom>
void actor_context::route_to_origins(Atom atom, const event_id& id) {
  // One message per distinct origin stage; each picks its own entries out
  // of the id. Ids name few stages, so looking back beats building a set.
  const auto& origins = id.origins();
  for (auto origin = origins.begin(); origin != origins.end(); ++origin) {
    auto same_stage = [&](const event_origin& o) { return o.source == origin->source; };
    if (std::any_of(origins.begin(), origin, same_stage))
      continue;
    auto it = ack_targets_.find(origin->source);
    if (it != ack_targets_.end())
      caf::anon_send(it->second, atom, id);
  }
}

void actor_context::ack(const event_id& id) { route_to_origins(atom::ack_atom_v, id); }

void actor_context::fail(const event_id& id) { route_to_origins(atom::fail_atom_v, id); }

void actor_context::circuit_breaker(bool open_for_traffic) {
  for (const auto& source : upstream_sources_) {
    if (open_for_traffic)
      caf::anon_send(source, atom::cb_restore_atom_v, id_);
    else
      caf::anon_send(source, atom::cb_trigger_atom_v, id_);
  }
}

std::atomic<uint64_t>& actor_context::counter(std::string_view name) {
  std::lock_guard<std::mutex> guard(counters_mutex_);
  auto it = counters_.find(name);
  if (it == counters_.end())
    it = counters_.try_emplace(std::string(name), 0).first;
  return it->second;
}

std::map<std::string, uint64_t> actor_context::counters() const {
  std::lock_guard<std::mutex> guard(counters_mutex_);
  std::map<std::string, uint64_t> out;
  for (const auto& [name, count] : counters_)
    out.emplace(name, count.load(std::memory_order_relaxed));
  return out;
}

void actor_context::request_shutdown(uint64_t delay_ns, bool graceful) {
  if (deployer_)
    caf::anon_send(deployer_, atom::shutdown_atom_v, delay_ns, graceful);
}

} // namespace temblor
