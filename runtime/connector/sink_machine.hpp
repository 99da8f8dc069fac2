#pragma once

// The sink side of a connector: writes what arrives on its input ports
// through the implementation (with per-stream codec and postprocessors),
// acks or fails each transactional event by the implementation's answer,
// counts failures (logging an outage once, not per event), and knows when
// every stage feeding it is drained. A plain class like source_machine.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "codecs/chain.hpp"
#include "connectors/connector.hpp"
#include "runtime/connector/outbox.hpp"
#include "runtime/core/stage_stats.hpp"

namespace temblor {

/// Per-stream encoders, handed to sinks as their serializer.
class stream_serializer final : public connectors::serializer {
public:
  stream_serializer(const codecs::chain_spec& spec, stage_stats& stats)
    : spec_(spec), stats_(stats) {}
  bool serialize(uint64_t stream, const value& v, uint64_t ingest_ns,
                 std::vector<std::string>& frames, std::string& err) override;
  void finish_stream(uint64_t stream, std::vector<std::string>& frames) override;
  /// Flushes every stream (drain).
  void finish_all(std::vector<std::string>& frames);

private:
  const codecs::chain_spec& spec_;
  stage_stats& stats_;
  std::map<uint64_t, std::unique_ptr<codecs::encoder_chain>> encoders_;
};

class sink_machine {
public:
  enum class phase {
    down,     ///< not connected: every event fails
    up,       ///< connected: events are written
    drained,  ///< every feeder sent its drain marker; output flushed
  };

  sink_machine(std::string alias, const codecs::chain_spec& codec,
               const std::shared_ptr<connectors::connector>& impl, outbox& out, stage_stats& stats);

  phase current() const { return phase_; }
  static const char* name(phase p);

  /// How many stages feed our input ports (drain markers to wait for).
  void wire(size_t feeders) { feeders_ = feeders; }
  /// The connection came up or went down; tells the sources upstream.
  void set_connected(bool connected);

  /// Writes a batch that arrived on input `port` and flushes; the
  /// transactional events written wait in `to_ack` for settle().
  void write(const std::string& port, event_batch& batch);
  /// Acks what the last batch wrote, or fails it when the flush lost the
  /// connection (the caller took the implementation's calls in between).
  void settle();
  /// Looks again whether the drain is complete (writes under way finished).
  void check_drained() { maybe_drained(); }
  /// A feeder is drained; once all are (and a drain was asked for), the
  /// output is flushed and the phase becomes `drained`.
  void on_drain_marker();
  /// A graceful stop began (nothing may feed us: then we are drained at once).
  void drain();
  bool drained() const { return phase_ == phase::drained; }

  /// Logs failures not reported yet (the connector stops).
  void report_failures(const char* until);

  uint64_t failed() const { return failed_writes_; }
  uint64_t written() const { return written_; }

private:
  void apply(const event& ev, connectors::sink_outcome outcome);
  void complete(const event& ev, bool ok);
  connectors::sink_outcome write_batched(const std::string& port, const event& batched);
  void maybe_drained();

  std::string alias_;
  /// The implementation slot: a fault replaces what it holds.
  const std::shared_ptr<connectors::connector>& impl_;
  outbox& out_;
  stage_stats& stats_;
  stream_serializer serializer_;
  phase phase_ = phase::down;
  size_t feeders_ = 0;
  size_t markers_ = 0;
  bool drain_requested_ = false;
  uint64_t written_ = 0;
  std::vector<event_id> to_ack_; ///< written, acked once flushed
  uint64_t failed_writes_ = 0;
  uint64_t failures_reported_ = 0;
};

} // namespace temblor
