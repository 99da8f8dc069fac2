#pragma once

// What a connector's state machines send into the world, kept behind a small
// interface so tests drive the machines with a recording outbox while the
// actor implements it with CAF messages.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "runtime/core/batch.hpp"

namespace temblor {

/// What the supervisor hears about a connector's connection.
enum class connection_report {
  connected,
  connect_failed,
  lost,
  failed, ///< cannot go on (a fault it cannot recover from): no reconnect
};

class outbox {
public:
  virtual ~outbox() = default;

  // -- data plane -------------------------------------------------------------

  /// Returns whether anything is linked to output `port`.
  virtual bool linked(const std::string& port) const = 0;
  /// Sends `events` (moved from; the vector is left empty) out of `port` to
  /// every stage linked to it, with `credit` travelling along. Events on a
  /// port nothing is linked to are dropped without ack or fail (Tremor).
  virtual void send(const std::string& port, std::vector<event>& events,
                    std::shared_ptr<credit_token> credit) = 0;
  /// Tells every stage downstream, after the last batch, that we are drained.
  virtual void send_drain_markers() = 0;

  // -- contraflow --------------------------------------------------------------

  /// Routes the ack or fail of `id` to the sources and pipelines it names.
  virtual void ack(const event_id& id) = 0;
  virtual void fail(const event_id& id) = 0;
  /// Tells the sources upstream of our sink to stop (false) or resume sending.
  virtual void circuit_breaker(bool open_for_traffic) = 0;

  // -- control -----------------------------------------------------------------

  virtual void tell_supervisor(connection_report what, const std::string& reason) = 0;
  /// Tells the deployer this connector finished its graceful stop.
  virtual void report_drained() = 0;
  virtual void request_shutdown(uint64_t delay_ns, bool graceful) = 0;
  /// Asks for a pull() turn after `delay_ns` (0: soon, after the messages
  /// already queued).
  virtual void schedule_pull(uint64_t delay_ns) = 0;
  /// Runs the implementation's pull() on the blocking pool; the answer comes
  /// back as a call to the source machine's pulled().
  virtual void pull_on_blocking_pool() = 0;
  virtual void log(connectors::log_level level, const std::string& message) = 0;
  virtual uint64_t now() = 0;
};

} // namespace temblor
