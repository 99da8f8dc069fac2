#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "codecs/chain.hpp"
#include "connectors/connector.hpp"
#include "runtime/actors/interfaces.hpp"
#include "runtime/connector/actor_context.hpp"
#include "runtime/connector/source_gate.hpp"

namespace temblor {

struct connector_spec;

/// Counts batches a source has in flight; tokens give units back from any thread.
struct credit_pool {
  std::atomic<int> in_flight{0};
  std::atomic<bool> waiting{false};
  connector_actor owner;
  /// While set, sinks hand the events they wrote back here and the source
  /// frees them on its own thread (see connector_state::recycle).
  std::atomic<bool> recycling{false};
  std::mutex recycled_mtx;
  std::vector<std::vector<event>> recycled;
};

/// Per-stream encoders, handed to sinks as their serializer.
class stream_serializer final : public connectors::serializer {
public:
  explicit stream_serializer(const codecs::chain_spec* spec) : spec_(spec) {}
  bool serialize(uint64_t stream, const value& v, uint64_t ingest_ns,
                 std::vector<std::string>& frames, std::string& err) override;
  void finish_stream(uint64_t stream, std::vector<std::string>& frames) override;
  /// Flushes every stream (drain).
  void finish_all(std::vector<std::string>& frames);

private:
  const codecs::chain_spec* spec_;
  std::map<uint64_t, std::unique_ptr<codecs::encoder_chain>> encoders_;
};

/// Runs a blocking connector's pull() on the blocking pool, one at a time; a
/// stop() that comes while one runs is carried out by the job once it ends.
struct blocking_puller {
  std::mutex mutex;
  bool running = false;
  bool stop_requested = false;
};

struct connector_state : connector_inbox {
  static inline const char* name = "connector";

  connector_actor::pointer self = nullptr;
  uint64_t id = 0;
  std::string alias;
  codecs::chain_spec codec;

  std::shared_ptr<actor_context> context;
  std::shared_ptr<connectors::connector> impl;
  std::unique_ptr<stream_serializer> serializer;
  connector_wiring wiring;
  connectors::connector_ports ports;
  io::services services;
  std::shared_ptr<blocking_puller> puller; ///< set for blocking connectors

  // -- source side ---------------------------------------------------------------
  source_gate gate;
  bool transactional = false;
  std::shared_ptr<credit_pool> credit;
  std::map<uint64_t, std::unique_ptr<codecs::decoder_chain>> decoders;
  std::map<uint64_t, uint64_t> next_pull;
  std::vector<event> out_batch;
  std::vector<event> err_batch;
  std::vector<codecs::decoded> decoded_scratch;
  std::vector<std::vector<event>> recycled_scratch;
  bool batching = false; ///< inside pull() or a queue drain: flush once, after
  bool pull_scheduled = false;
  bool pull_exhausted = false;
  bool source_ended = false;
  bool source_draining = false;
  bool source_drained = false;
  bool push_paused = true; ///< push sources start paused (the contract)
  bool drain_deferred = false; ///< a drain came while a blocking pull ran
  std::vector<std::pair<bool, event_id>> deferred_contraflow;

  // -- sink side -----------------------------------------------------------------
  bool sink_connected = false;
  size_t drain_markers = 0;
  bool drain_requested = false;
  bool sink_drained = false;
  bool drained_reported = false;
  uint64_t failed_writes = 0;
  uint64_t failures_reported = 0;

  // -- lifecycle -------------------------------------------------------------------
  bool connected = false;
  bool stopped = false;

  connector_state() = default;
  connector_state(const connector_state&) = delete;
  connector_state& operator=(const connector_state&) = delete;
  ~connector_state() override;

  bool has_source() const { return !ports.outputs.empty(); }
  bool has_sink() const { return !ports.inputs.empty(); }
  bool pulling() const;

  /// Takes the wiring computed by the deployer; the source may read after it.
  void wire(connector_wiring w);
  void start_connect();

  // connector_inbox: calls from the implementation on the actor's thread
  void on_connected() override;
  void on_connect_failed(std::string reason) override;
  void on_connection_lost(std::string reason) override;
  void on_bytes(uint64_t stream, std::string data, value meta) override;
  void on_value(uint64_t stream, value payload, value meta) override;
  void on_emit(const std::string& port, uint64_t stream, value payload, value meta) override;
  void on_stream_end(uint64_t stream) override;
  void on_source_end() override;

  // source side
  /// Processes what the implementation's threads queued, as one batch.
  void take_queued_input();
  void update_gate();
  void schedule_pull();
  void pull();
  /// A pull() finished (on the blocking pool when the connector blocks).
  void pulled(bool more);
  void flush_batches();
  void begin_source_drain();
  void finish_source();
  void handle_contraflow(bool is_ack, const event_id& id);

  // sink side
  void write_batch(const std::string& port, event_batch& batch);
  /// Hands the written events back to the source that allocated them, when
  /// it takes them (pull-based sources on their own thread).
  static void recycle(event_batch& batch);
  /// Frees the events sinks handed back, on the source's thread.
  void free_recycled();
  /// Writes each element of a batched event; the outcome for the whole batch.
  connectors::sink_outcome write_batched(const std::string& port, const event& batched);
  /// Acks or fails `ev` per the sink's answer.
  void apply(const event& ev, connectors::sink_outcome outcome);
  /// Logs how many events failed since the last report, if any did.
  void report_failures(const char* until);
  void complete(const event& ev, bool ok);
  void on_drain_marker();
  void request_drain();
  void maybe_report_drained();

  void stop();

private:
  void emit_decoded(uint64_t stream, std::vector<codecs::decoded>& decoded, value meta);
  event make_event(uint64_t stream, value payload, value meta, uint64_t ingest_ns);
  void send_batch(const std::string& port, std::vector<event>& events);
};

} // namespace temblor
