#pragma once

// The contract between the runtime's connector actor and one connector
// implementation (file, stdio, ws_server, …).
//
// Threading: every method of `connector` is called on the connector actor's
// thread, one at a time (for a `blocking` connector, pull() runs on the
// blocking pool, still never at the same time as another hook). Work on the
// shared I/O layer (sockets, timers) reports back only through
// `connector_context`, whose methods are thread-safe and merely post messages
// to the actor.
//
// Adding a connector: a folder under connectors/, its descriptor (name, codec
// requirement, config schema, factory) and one line in builtin.cpp. Nothing
// under runtime/ changes.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <atomic>

#include "connectors/config_schema.hpp"
#include "runtime/core/event.hpp"
#include "runtime/core/metrics_hub.hpp"
#include "runtime/core/registry.hpp"
#include "runtime/core/value.hpp"
#include "runtime/io/io_pool.hpp"

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
  /// Hands an already structured value (connectors without codec) to `out`.
  virtual void receive_value(uint64_t stream, value payload, value meta) = 0;
  /// Sends a structured value to one of the connector's output ports (a
  /// lookup failure to `err`, say). Ports the connector did not declare are
  /// a programming error: the event is counted as dropped and logged once.
  virtual void emit(std::string port, uint64_t stream, value payload, value meta) = 0;
  /// As receive_bytes()/receive_value(), with the pull id the source chose
  /// (a Kafka offset, a log sequence): every event made from it carries that
  /// id, so ack(stream, pull_id)/fail(stream, pull_id) name it back. Ids on a
  /// stream must grow; the runtime numbers the others itself.
  /// (Test doubles may keep these defaults, which drop the id.)
  virtual void receive_bytes_as(uint64_t stream, uint64_t /*pull_id*/, std::string data,
                                value meta) {
    receive_bytes(stream, std::move(data), std::move(meta));
  }
  virtual void receive_value_as(uint64_t stream, uint64_t /*pull_id*/, value payload,
                                value meta) {
    receive_value(stream, std::move(payload), std::move(meta));
  }
  /// Ends `stream`: buffered preprocessor state is flushed first.
  virtual void stream_finished(uint64_t stream) = 0;
  /// Reports that the whole source has nothing more to read (file EOF).
  virtual void source_finished() = 0;
  /// Asks for another pull() after `delay_ns`: a pull source with nothing to
  /// read now returns false from pull() and calls this (Tremor's
  /// `SourceReply::Empty`), or calls it from any thread once data arrived.
  virtual void pull_again(uint64_t /*delay_ns*/) {}
  /// Whether what this source handed over (receive_bytes…) still waits for
  /// the runtime beyond its mark. An event loop checks it before each read
  /// and reads nothing until it clears, so a flow slower than its peers
  /// leaves their data in the kernel's buffers (TCP flow control), not in
  /// memory, also in the moments before the runtime's pause() arrives.
  virtual bool input_backlogged() const { return false; }

  // -- sink side -------------------------------------------------------------

  /// Completes an event the sink answered with `sink_outcome::pending`.
  virtual void ack(const event_id& id) = 0;
  virtual void fail(const event_id& id) = 0;
  /// Tells upstream to stop (`trigger`) or resume (`restore`) sending.
  virtual void circuit_breaker(bool open_for_traffic) = 0;

  // -- process control -------------------------------------------------------

  /// Asks the runtime to stop (exit connector). `graceful` drains first.
  virtual void request_shutdown(uint64_t delay_ns, bool graceful) = 0;

  // -- accounting --------------------------------------------------------------

  /// Returns this connector's counter `name` (created at zero on first use),
  /// e.g. "replies_dropped_slow_reader": what the connector could neither
  /// deliver nor fail is counted where operators see it (metrics, status).
  /// The reference stays valid for the connector's life; take it once and
  /// bump it with relaxed atomics on the hot path.
  virtual std::atomic<uint64_t>& counter(std::string_view name) = 0;
  /// Returns this connector's gauge `name`: a level that goes up and down
  /// ("connections_open"), reported as such. Same life as a counter; a
  /// context that reports nothing may hand out the counter of that name.
  virtual std::atomic<uint64_t>& gauge(std::string_view name) { return counter(name); }
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

/// The ports of one connector instance; the deployer checks `connect`
/// statements against them.
struct connector_ports {
  std::vector<std::string> inputs;  ///< sink side: "in" (stdio adds "stdout", "stderr")
  std::vector<std::string> outputs; ///< source side: "out", "err"

  bool has_input(std::string_view port) const;
  bool has_output(std::string_view port) const;
};

/// The usual port sets.
connector_ports source_ports();
connector_ports sink_ports();
connector_ports duplex_ports();

/// What a connector learns when it starts.
struct start_args {
  /// The shared event loops (sockets, timers) and the blocking pool.
  io::services services;
  /// Something is connected to an input port: ws_server and tcp_server
  /// write replies only then (Tremor's rule).
  bool sink_linked = false;
  /// Something is connected to `out`.
  bool source_linked = false;
  /// Tremor's metrics channel (the `metrics` connector reads and writes it).
  metrics_hub* metrics = nullptr;
};

/// One connector implementation. Hooks have defaults so a source-only or
/// sink-only connector overrides just what it needs (Tremor's contract).
///
/// Life cycle, driven by the runtime: start() once; connect() until it
/// reports connected() (again after connection_lost(), per the reconnect
/// policy); pull() or resume()/pause() while the source may send; write() and
/// flush() for what reaches the sink; drain() when a graceful stop begins;
/// stop() once, last.
class connector {
public:
  virtual ~connector() = default;

  /// Returns the ports of this instance (they may depend on its config: a
  /// file in `read` mode is a source, in the other modes a sink).
  virtual connector_ports ports() const = 0;

  bool has_source() const { return !ports().outputs.empty(); }
  bool has_sink() const { return !ports().inputs.empty(); }

  /// Returns whether events from this source need exactly one ack or fail
  /// (guaranteed delivery: cb, bench with is_transactional, kafka, wal).
  virtual bool transactional() const { return false; }

  /// Verifies, for `temblor check`, what the factory left for connect time:
  /// TLS files exist, load and match, say. False with `err` (naming the key
  /// and the reason) fails the check. Never called when a flow runs, where
  /// such a failure fails only this connector's flow, through connect().
  virtual bool check(std::string& err) const {
    (void)err;
    return true;
  }

  /// Called once, after the deployer wired the flow and before the first
  /// connect(): take an event loop from `args.services.io` for sockets and
  /// timers here. Produces no events.
  virtual void start(const start_args& args) { (void)args; }

  /// Starts connecting; must end in exactly one `connected()` or
  /// `connect_failed()` on the context. Retried by the supervisor per the
  /// reconnect policy, so it must be safe to call again after a failure.
  virtual void connect() = 0;

  /// Lets a pull-based source produce more data (file, bench): read one
  /// chunk and hand it to the context. Called while the source may send
  /// (connected, not paused, under the in-flight limit). Returns true while
  /// more can be read; push-based sources return false.
  virtual bool pull() { return false; }

  /// Push-based sources (servers, stdin, timers) produce nothing before the
  /// first resume(): the runtime calls it once the source may send (connected,
  /// and every sink downstream is up; at once when nothing is linked to
  /// `out`, so control traffic is still read) and pause() when that ends.
  virtual void resume() {}
  virtual void pause() {}

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
  /// end of a drain, so sinks may buffer within a batch. Transactional
  /// events the batch wrote (`done`) are acked only after it, and failed
  /// instead when it reports a lost connection.
  virtual void flush() {}
  /// How many writes answered `pending` are still under way: a graceful stop
  /// waits for them (at most the drain timeout). Follow each completion with
  /// a context call (ack, fail, emit…): that is when the runtime looks again
  /// (and every few ms while it waits).
  virtual size_t writes_in_flight() const { return 0; }
  /// Whether what the source side emits answers what the sink side wrote (a
  /// request's response: http_client). A graceful stop then keeps the source
  /// delivering while writes_in_flight() > 0 (bounded by the drain timeout),
  /// so the answers to requests already sent reach the sinks downstream.
  /// Such a connector counts a write down only after its answer was handed
  /// to the context (the runtime looks at the count again every few ms).
  virtual bool answers_writes() const { return false; }
  /// Ends every output stream at a graceful stop, before the last flush(): a
  /// sink calls `ser.finish_stream(stream, frames)` for each stream it wrote
  /// and writes those frames (a streaming-compress trailer, what `collect`
  /// held). Frames of streams left unfinished are counted and logged as lost.
  virtual void finish(serializer& ser) { (void)ser; }
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

/// Builds an implementation from a `config` already checked against the
/// descriptor's schema (defaults filled in); returns nullptr with `err` on a
/// semantic error, naming the offending key (the deployer prefixes the alias).
using connector_factory = std::unique_ptr<connector> (*)(const connector_args& args,
                                                        std::string& err);

/// Everything the runtime knows about a connector type, by name.
struct connector_descriptor {
  std::string_view name;    ///< the type in `define connector x from <name>`
  std::string_view summary; ///< one line for the reference
  codec_requirement codec = codec_requirement::required;
  config_schema config;     ///< the keys of `config`
  connector_factory make = nullptr;
  bool debug_only = false;  ///< needs --debug-connectors (exit, cb, bench)
  /// pull() blocks in system calls (synchronous file reads): the runtime runs
  /// it on the blocking pool instead of a scheduler worker.
  bool blocking = false;
};

/// Checks `args.config` against `d.config` and builds the implementation.
std::unique_ptr<connector> make_connector(const connector_descriptor& d, connector_args args,
                                          std::string& err);

using connector_registry = registry<connector_descriptor>;

/// Returns the registry of builtin connectors (builtin.cpp is the list).
const connector_registry& builtin_connectors();

} // namespace temblor::connectors
