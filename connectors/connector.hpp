#pragma once

// The contract between the runtime's connector actor and one connector
// implementation (file, stdio, ws_server, …).
//
// Threading: every method of `connector` is called on the connector actor's
// thread. An implementation that owns I/O threads (Asio) reports back only
// through `connector_context`, whose methods are thread-safe and merely post
// messages to the actor.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/event.hpp"
#include "runtime/core/registry.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors {

enum class log_level { debug, info, warning, error };

/// What a sink tells the runtime about one event it was handed.
enum class sink_outcome {
  done,     ///< written; the runtime acks it
  failed,   ///< not written; the runtime fails it
  pending,  ///< the implementation acks or fails later through the context
};

/// Thread-safe handle to the runtime, given to an implementation at creation.
class connector_context {
public:
  virtual ~connector_context() = default;

  /// Returns `flow::connector`, the prefix of every message about it.
  virtual const std::string& alias() const = 0;
  virtual void log(log_level level, std::string message) = 0;

  // -- connection lifecycle --------------------------------------------------

  /// Reports that connect() finished successfully (may be called from any thread).
  virtual void connected() = 0;
  /// Reports that connect() failed; the supervisor applies the reconnect policy.
  virtual void connect_failed(std::string reason) = 0;
  /// Reports that an established connection broke; triggers the circuit
  /// breaker upstream and the reconnect policy.
  virtual void connection_lost(std::string reason) = 0;

  // -- source side -----------------------------------------------------------

  /// Hands raw bytes of `stream` to the runtime, which runs the stream's
  /// preprocessors and codec. `meta` becomes the event's `$`.
  virtual void receive_bytes(uint64_t stream, std::string data, value meta) = 0;
  /// Hands an already structured value (connectors without codec).
  virtual void receive_value(uint64_t stream, value payload, value meta) = 0;
  /// Ends `stream`: buffered preprocessor state is flushed first.
  virtual void stream_finished(uint64_t stream) = 0;
  /// Reports that the whole source has nothing more to read (file EOF).
  virtual void source_finished() = 0;

  // -- sink side -------------------------------------------------------------

  /// Completes an event the sink answered with `sink_outcome::pending`.
  virtual void ack(const event_id& id) = 0;
  virtual void fail(const event_id& id) = 0;
  /// Tells upstream to stop (`trigger`) or resume (`restore`) sending.
  virtual void circuit_breaker(bool open_for_traffic) = 0;

  // -- process control -------------------------------------------------------

  /// Asks the runtime to stop (exit connector). `graceful` drains first.
  virtual void request_shutdown(uint64_t delay_ns, bool graceful) = 0;
};

/// Turns an event into wire frames for one stream (codec + postprocessors).
/// Given to sinks because the framing state is per stream.
class serializer {
public:
  virtual ~serializer() = default;
  /// Appends the frames for `v` on `stream` to `frames`; false with `err` on failure.
  virtual bool serialize(uint64_t stream, const value& v, uint64_t ingest_ns,
                         std::vector<std::string>& frames, std::string& err) = 0;
  /// Flushes and forgets the framing state of `stream`.
  virtual void finish_stream(uint64_t stream, std::vector<std::string>& frames) = 0;
};

/// One connector implementation. Hooks have defaults so a source-only or
/// sink-only connector overrides just what it needs (Tremor's contract).
class connector {
public:
  virtual ~connector() = default;

  /// Returns whether this instance reads (`out`/`err` ports are usable).
  virtual bool has_source() const = 0;
  /// Returns whether this instance writes (`in` port is usable).
  virtual bool has_sink() const = 0;
  /// Returns whether events from this source need exactly one ack or fail
  /// (guaranteed delivery: cb, bench with is_transactional, kafka, wal).
  virtual bool transactional() const { return false; }

  /// Starts connecting; must end in exactly one `connected()` or
  /// `connect_failed()` on the context. Retried by the supervisor per the
  /// reconnect policy, so it must be safe to call again after a failure.
  virtual void connect() = 0;

  /// Called when something is linked to the sink port (`in`), before start.
  /// ws_server only writes back when this happened.
  virtual void sink_linked() {}

  /// Lets a pull-based source produce more data (file, bench): read one
  /// chunk and hand it to the context. Called while the source may run
  /// (connected, not paused, under the in-flight limit). Returns true while
  /// more can be read; push-based sources (servers, stdin) return false.
  virtual bool pull() { return false; }

  /// Reports the ack or fail of a transactional event this source emitted
  /// (`pull_id` is the highest pull for an ack, the lowest for a fail).
  virtual void ack(uint64_t stream, uint64_t pull_id) {
    (void)stream;
    (void)pull_id;
  }
  virtual void fail(uint64_t stream, uint64_t pull_id) {
    (void)stream;
    (void)pull_id;
  }
  /// Stops reading input (circuit breaker or flow pause).
  virtual void pause() {}
  virtual void resume() {}
  /// Stops taking new input for a graceful stop; in-flight data still comes.
  virtual void drain() {}

  /// Writes one event arriving on sink port `port`.
  virtual sink_outcome write(std::string_view port, const event& ev, serializer& ser) {
    (void)port;
    (void)ev;
    (void)ser;
    return sink_outcome::failed;
  }
  /// Flushes buffered output; called after every batch of writes and at the
  /// end of a drain, so sinks may buffer within a batch.
  virtual void flush() {}
  /// Releases everything; no context call may happen after it returns.
  virtual void stop() {}
};

/// Whether a connector type needs a `codec` in its config.
enum class codec_requirement { required, structured, optional_json };

/// Everything a factory gets: the validated `config` record and the context.
struct connector_args {
  std::string alias;
  /// The stage id stamped into `event_origin::source` of events this
  /// connector reads; a server finds its own streams in an event id with it.
  uint64_t source_id = 0;
  value config; ///< the `config` record from the connector's `with` (null if absent)
  std::shared_ptr<connector_context> context;
  bool debug_connectors = false;
};

/// Builds an implementation; returns nullptr with `err` on a bad config.
/// `err` must name the offending key (the deployer prefixes the alias).
using connector_factory = std::unique_ptr<connector> (*)(const connector_args& args,
                                                        std::string& err);

struct connector_descriptor {
  std::string_view name;
  std::string_view summary;
  codec_requirement codec;
  connector_factory make;
  bool debug_only = false; ///< needs --debug-connectors (exit, cb, bench)
  /// Blocks in its hooks (synchronous file reads): gets a thread of its own
  /// instead of a turn on the shared scheduler.
  bool blocking = false;
};

using connector_registry = registry<connector_descriptor>;

/// Returns the registry of builtin connectors (builtin.cpp is the list).
const connector_registry& builtin_connectors();

} // namespace temblor::connectors
