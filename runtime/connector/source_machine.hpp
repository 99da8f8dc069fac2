#pragma once

// The source side of a connector: decides when the implementation may read,
// turns what it reads into events (preprocessors and codec per stream),
// batches them out of `out`/`err`/other ports under a credit budget, routes
// contraflow back to the implementation, and runs the graceful stop. A plain
// class driven by the connector machine; it talks to the world only through
// its outbox, so tests drive every transition with a recording one.

#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "codecs/chain.hpp"
#include "connectors/connector.hpp"
#include "runtime/connector/credit_pool.hpp"
#include "runtime/connector/outbox.hpp"
#include "runtime/connector/source_gate.hpp"
#include "runtime/connector/stream_decoders.hpp"
#include "runtime/connector/throttled_report.hpp"
#include "runtime/core/stage_stats.hpp"

namespace temblor {

class source_machine {
public:
  enum class phase {
    waiting,   ///< may not read: disconnected, paused, or a sink downstream is down
    reading,   ///< may read: pulls are scheduled, a push source is resumed
    exhausted, ///< the implementation has nothing more to read (end of file)
    draining,  ///< a graceful stop began; waiting for the last read to land
    drained,   ///< drain markers sent; nothing more leaves
  };

  struct settings {
    uint64_t id = 0;
    std::string alias;
    bool transactional = false;
    bool blocking = false; ///< pull() runs on the blocking pool
    int max_batches_in_flight = 8;
    stage_stats* stats = nullptr; ///< counted per batch; never null
  };

  source_machine(settings s, const codecs::chain_spec& codec, const std::shared_ptr<connectors::connector>& impl,
                 outbox& out, std::shared_ptr<credit_pool> credit);

  phase current() const { return phase_; }
  static const char* name(phase p);

  // -- wiring and gating -------------------------------------------------------

  /// `linked`: something is connected to `out`; `sinks`: the sink connectors
  /// downstream, all of which must be up before anything is read.
  void wire(bool linked, const std::vector<uint64_t>& sinks);
  void set_connected(bool connected);
  /// The operator paused or resumed the flow.
  void set_paused(bool paused);
  /// A sink downstream lost its connection (trigger) or is back (restore).
  void trigger(uint64_t sink);
  void restore(uint64_t sink);

  // -- input from the implementation ---------------------------------------------

  /// `pull_id`: the id the source chose for what it read (null: numbered here).
  void on_bytes(uint64_t stream, std::string_view data, value meta,
                const uint64_t* pull_id = nullptr);
  /// Bytes of `byte_count` already decoded off the actor (a blocking pull).
  void on_decoded(uint64_t stream, size_t byte_count, std::vector<codecs::decoded>& decoded,
                  value meta, const uint64_t* pull_id = nullptr);
  void on_value(const std::string& port, uint64_t stream, value payload, value meta,
                const uint64_t* pull_id = nullptr);
  /// The implementation has more to pull after `delay_ns` (Tremor's "empty, ask again").
  void pull_again(uint64_t delay_ns);
  /// `finished`: what the stream's decoder held at its end, when that was
  /// taken off the actor already (null: take it here).
  void on_stream_end(uint64_t stream, std::vector<codecs::decoded>* finished = nullptr);
  void on_source_end();
  /// Sends what arrived since the last flush, one batch per port.
  void flush();

  // -- pulling ---------------------------------------------------------------------

  /// A pull turn: returns true when the caller should call the
  /// implementation's pull() now (inline), false when there is nothing to do
  /// or the pull went to the blocking pool.
  bool begin_pull();
  /// The implementation's pull() returned `more`.
  void pulled(bool more);

  /// Pauses a push source while its input outruns the flow: `queue_over_mark`
  /// (its event loop queued more than the mark) or the in-flight budget is
  /// used up; resumes it once neither holds. Called after each round of
  /// input and when a credit unit comes back.
  void apply_backpressure(bool queue_over_mark);
  bool throttled() const { return throttled_; }

  // -- stopping ----------------------------------------------------------------------

  /// Begins the graceful stop. `finish_input`: a pull-based source reads to
  /// its end first (the flow stops itself, Tremor's rule); otherwise it stops
  /// reading at once (a signal). What was read still goes out either way.
  void drain(bool finish_input);
  bool drained() const { return phase_ == phase::drained; }
  /// Draining, and held open for the answers to writes still in flight.
  bool awaiting_replies() const { return awaiting_replies_; }
  /// Ends the drain once no write waits for its answer any more (called
  /// after every round of context calls and on the connector's re-checks).
  void check_replies();
  /// An event this source emitted came back to its own sink during the
  /// drain: the answers would feed new writes forever, so stop waiting.
  void loop_closed();

  /// The implementation was replaced by a fresh one (after a fault): streams
  /// end, and it starts paused with everything still to read.
  void restarted();

  /// Hands the ack or fail of `id`'s entries from this source to the implementation.
  void contraflow(bool ack, const event_id& id);

  /// Events read after the drain ended (they cannot leave any more); also
  /// counted in the stage's `dropped` and named "dropped_after_drain".
  uint64_t dropped_after_drain() const { return dropped_after_drain_; }
  /// Whether a pull() runs on the blocking pool right now.
  bool pull_in_flight() const { return pull_in_flight_; }
  /// The decoders, lent to a blocking pull while it runs.
  const std::shared_ptr<stream_decoders>& decoders() const { return decoders_; }

private:
  /// Recomputes the phase from the gate and tells the implementation.
  void update();
  void set_push_running(bool run);
  void finish();
  /// finish(), unless answers to writes in flight are still to come.
  void finish_after_replies();
  event make_event(uint64_t stream, value payload, value meta, uint64_t ingest_ns,
                   const uint64_t* pull_id = nullptr);
  void emit_decoded(uint64_t stream, std::vector<codecs::decoded>& decoded, value meta,
                    const uint64_t* pull_id = nullptr);
  void send(const std::string& port, std::vector<event>& events);
  bool accepting_input();

  settings settings_;
  const codecs::chain_spec& codec_;
  /// The implementation slot: a fault replaces what it holds.
  const std::shared_ptr<connectors::connector>& impl_;
  outbox& out_;
  std::shared_ptr<credit_pool> credit_;

  phase phase_ = phase::waiting;
  source_gate gate_;
  bool push_running_ = false; ///< resume() was the last thing we told it
  bool throttled_ = false;    ///< paused by backpressure (apply_backpressure)
  bool pull_scheduled_ = false;
  bool pull_in_flight_ = false;
  bool pull_done_ = false; ///< pull() said there is nothing more to pull
  /// pull_again() came while a pull ran: its delay, for when it returns.
  std::optional<uint64_t> repull_after_;
  bool exhausted_ = false; ///< the implementation said its input ended
  bool finish_input_ = false; ///< draining: read to the end first
  bool awaiting_replies_ = false; ///< draining: held for answers (check_replies)
  bool loop_closed_ = false;      ///< our own events came back to our sink

  std::shared_ptr<stream_decoders> decoders_;
  std::map<uint64_t, uint64_t> next_pull_;
  std::vector<event> out_batch_;
  std::vector<event> err_batch_;
  std::map<std::string, std::vector<event>> other_batches_;
  std::vector<codecs::decoded> scratch_;
  // While a blocking pull runs, no other hook may be called (the contract):
  // what comes meanwhile waits for pulled().
  bool drain_pending_ = false;
  std::vector<std::pair<bool, event_id>> contraflow_pending_;
  throttled_report unread_errors_; ///< decode errors with nothing on `err`
  uint64_t dropped_after_drain_ = 0;
};

} // namespace temblor
