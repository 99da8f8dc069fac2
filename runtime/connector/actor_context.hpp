#pragma once

// The connector_context given to implementations: calls made from inside the
// connector actor's own handlers are served directly; calls from any other
// thread (Asio, stdin reader) become messages to the actor.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "runtime/actors/interfaces.hpp"

namespace temblor {

/// What the connector actor's state does with context calls made on its thread.
class connector_inbox {
public:
  virtual ~connector_inbox() = default;
  virtual void on_connected() = 0;
  virtual void on_connect_failed(std::string reason) = 0;
  virtual void on_connection_lost(std::string reason) = 0;
  virtual void on_bytes(uint64_t stream, std::string data, value meta) = 0;
  virtual void on_value(uint64_t stream, value payload, value meta) = 0;
  virtual void on_emit(const std::string& port, uint64_t stream, value payload, value meta) = 0;
  virtual void on_stream_end(uint64_t stream) = 0;
  virtual void on_source_end() = 0;
};

/// Marks the current thread as running `inbox`'s actor for the scope's lifetime.
class inbox_scope {
public:
  explicit inbox_scope(connector_inbox* inbox);
  ~inbox_scope();
  inbox_scope(const inbox_scope&) = delete;
  inbox_scope& operator=(const inbox_scope&) = delete;

private:
  connector_inbox* previous_;
};

class actor_context final : public connectors::connector_context {
public:
  /// Created by the deployer before the actor exists, so that building the
  /// implementation (and its config errors) happens at load time.
  actor_context(uint64_t id, std::string alias);

  /// Points the context at its actor; called once by the actor, before the
  /// implementation can run.
  void attach(connector_actor self, connector_inbox* inbox);
  /// Installs the routes for contraflow; called once, before connect().
  void bind(const connector_wiring& wiring);
  /// Detaches from the actor: later calls from stray threads are ignored.
  void detach();

  const std::string& alias() const override { return alias_; }
  void log(connectors::log_level level, std::string message) override;

  void connected() override;
  void connect_failed(std::string reason) override;
  void connection_lost(std::string reason) override;

  void receive_bytes(uint64_t stream, std::string data, value meta) override;
  void receive_value(uint64_t stream, value payload, value meta) override;
  void emit(std::string port, uint64_t stream, value payload, value meta) override;
  void stream_finished(uint64_t stream) override;
  void source_finished() override;

  void ack(const event_id& id) override;
  void fail(const event_id& id) override;
  void circuit_breaker(bool open_for_traffic) override;

  void request_shutdown(uint64_t delay_ns, bool graceful) override;

  std::atomic<uint64_t>& counter(std::string_view name) override;
  /// Returns every counter's current value, by name.
  std::map<std::string, uint64_t> counters() const;

  /// Hands everything other threads queued to `inbox`, in order. Called by
  /// the actor when it gets the "input waiting" message.
  void deliver_queued(connector_inbox& inbox);

private:
  /// Input from a thread other than the actor's, kept in arrival order.
  struct queued_input {
    enum class kind { bytes, structured, emitted, stream_end, source_end } what = kind::bytes;
    uint64_t stream = 0;
    std::string port; ///< for `emitted`
    std::string data;
    value payload;
    value meta;
  };
  /// Queues input; only the first item of an empty queue costs a message,
  /// so a busy I/O thread wakes the actor once per burst, not per frame.
  void enqueue(queued_input item);

  /// Returns the inbox when called from the actor's own handler, else null.
  connector_inbox* local_inbox() const;
  template <class Atom>
  void route_to_origins(Atom atom, const event_id& id);

  uint64_t id_;
  std::string alias_;
  connector_actor self_;
  connector_inbox* inbox_ = nullptr;
  std::atomic<bool> attached_{false};
  std::mutex queue_mutex_;
  std::vector<queued_input> queue_;
  std::vector<queued_input> draining_;
  std::map<uint64_t, ack_target_actor> ack_targets_;
  std::vector<contraflow_actor> upstream_sources_;
  deployer_actor deployer_;
  mutable std::mutex counters_mutex_;
  // std::map: references to its values stay valid as counters are added.
  std::map<std::string, std::atomic<uint64_t>, std::less<>> counters_;
};

} // namespace temblor
