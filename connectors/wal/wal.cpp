#include "connectors/wal/wal.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>

#include "codecs/json.hpp"
#include "connectors/kafka/offset_tracker.hpp"
#include "connectors/kv/lmdb_store.hpp"

namespace temblor::connectors {

namespace {

using kv::lmdb_store;

// Events replayed downstream and not yet acked, at most.
constexpr size_t max_in_flight = 4096;
// LMDB's B-tree pages, copy-on-write pages and free list take room beside
// the events, so events may fill 40% of the map; what arrives beyond waits
// in memory, unacked, until acks free room. The breaker trips when persisted
// plus waiting events reach 30% and restores below 15%, so upstream stops
// long before that.
constexpr double commit_fill = 0.4;
constexpr double trip_fill = 0.3;
constexpr double restore_fill = 0.15;
// Events per writer transaction, at most (halved while the map is tight).
constexpr size_t max_commit_budget = 65536;
// Bytes an entry costs beyond its key and value (LMDB node header, page slack).
constexpr size_t entry_overhead = 24;

/// An event as stored: the JSON of its payload, a NUL, the JSON of its meta.
std::string encode_entry(const event& ev) {
  std::string out, err;
  codecs::json_encode(ev.payload, codecs::json_mode::unsorted, out, err);
  out.push_back('\0');
  codecs::json_encode(ev.meta, codecs::json_mode::unsorted, out, err);
  return out;
}

bool decode_entry(std::string_view entry, value& payload, value& meta, std::string& err) {
  auto nul = entry.find('\0');
  if (nul == std::string_view::npos) {
    err = "entry without meta";
    return false;
  }
  return codecs::json_decode(entry.substr(0, nul), payload, err) &&
         codecs::json_decode(entry.substr(nul + 1), meta, err);
}

struct pending_write {
  uint64_t seq = 0;
  std::string entry;
  event_id id;
  bool transactional = false;
};

/// The log: the actor thread (writes, acks), the blocking pool (commits)
/// and whoever replays share it.
struct wal_core : std::enable_shared_from_this<wal_core> {
  wal_core(std::string path, size_t capacity, std::shared_ptr<connector_context> c)
    : path(std::move(path)), capacity(capacity), ctx(std::move(c)),
      persist_failures(ctx->counter("persist_failures")),
      map_full_waits(ctx->counter("map_full_waits")),
      retries(ctx->counter("retries")) {}

  bool open(std::string& err) {
    std::lock_guard<std::mutex> guard(mutex);
    if (store.is_open())
      return true;
    if (!store.open(path, capacity, err))
      return false;
    // What survived a restart is replayed from its first entry on.
    lmdb_store::txn t(store, false);
    bool first = true;
    bool ok = t.scan({}, {}, [&](std::string_view key, std::string_view val) {
      uint64_t seq = kv::u64_of_key(key);
      if (first)
        read_pos = seq;
      first = false;
      next_seq = seq + 1;
      stored_bytes += key.size() + val.size() + entry_overhead;
      ++stored_entries;
      return true;
    });
    if (!ok) {
      err = "cannot read the log in " + path + ": " + t.error();
      return false;
    }
    tree_bytes = t.tree_bytes();
    if (stored_entries > 0)
      ctx->log(log_level::info, std::to_string(stored_entries) + " event(s) to replay from " + path);
    update_breaker_locked();
    return true;
  }

  // -- sink side (actor thread) ------------------------------------------------

  sink_outcome write(const event& ev) {
    pending_write w;
    w.entry = encode_entry(ev);
    w.transactional = ev.transactional;
    if (ev.transactional)
      w.id = ev.id;
    std::lock_guard<std::mutex> guard(mutex);
    w.seq = next_seq++;
    batch.push_back(std::move(w));
    // Acked upstream only once it is on disk.
    return ev.transactional ? sink_outcome::pending : sink_outcome::done;
  }

  /// Hands the batch to the writer: one transaction, one sync, per batch.
  void flush() {
    std::lock_guard<std::mutex> guard(mutex);
    if (batch.empty() && acked.empty())
      return;
    for (auto& w : batch) {
      queued_bytes += w.entry.size() + 8 + entry_overhead;
      queued.push_back(std::move(w));
    }
    batch.clear();
    update_breaker_locked();
    schedule_writer_locked();
  }

  void schedule_writer_locked() {
    if (writer_running || stopped || !blocking)
      return;
    writer_running = true;
    blocking->post([self = shared_from_this()] { self->run_writer(); });
  }

  // Blocking pool: commits what is queued (new events that fit, and
  // deletions of acked ones) until nothing is left that can go, one job at a
  // time so entries reach the disk in order.
  void run_writer() {
    for (;;) {
      std::deque<pending_write> work;
      std::vector<uint64_t> doomed_seqs;
      size_t work_bytes = 0;
      {
        std::lock_guard<std::mutex> guard(mutex);
        size_t limit = static_cast<size_t>(static_cast<double>(capacity) * commit_fill);
        while (!stopped && !deletions_alone && !queued.empty() && work.size() < commit_budget) {
          size_t need = queued.front().entry.size() + 8 + entry_overhead;
          // One event larger than the room is tried alone (and failed if it
          // cannot fit at all) rather than blocking the log for ever.
          bool alone = stored_entries == 0 && work.empty();
          if (!alone && tree_bytes + work_bytes + need > limit)
            break;
          work_bytes += need;
          queued_bytes -= std::min(queued_bytes, need);
          work.push_back(std::move(queued.front()));
          queued.pop_front();
        }
        if (stopped || (work.empty() && acked.empty())) {
          writer_running = false;
          writer_idle.notify_all();
          return;
        }
        // Deletions too go in smaller steps while the map is tight (each
        // copies the pages it touches).
        size_t take = std::min(acked.size(), delete_budget);
        doomed_seqs.assign(acked.begin(), acked.begin() + static_cast<std::ptrdiff_t>(take));
        acked.erase(acked.begin(), acked.begin() + static_cast<std::ptrdiff_t>(take));
        deletions_alone = false;
      }
      // One transaction, one sync: the acked entries go and the new ones
      // come. When the map is too full for both, the deletions go alone
      // first and the new events follow in halves.
      size_t removed = 0, removed_entries = 0;
      lmdb_store::txn t(store, true);
      bool ok = t.ok();
      std::string val;
      for (uint64_t seq : doomed_seqs) {
        std::string key = kv::u64_key(seq);
        if (ok && t.get(key, val)) {
          ok = t.del(key);
          removed += key.size() + val.size() + entry_overhead;
          ++removed_entries;
        }
      }
      for (auto& w : work) {
        if (!ok)
          break;
        ok = t.put(kv::u64_key(w.seq), w.entry, true);
      }
      size_t tree_after = ok ? t.tree_bytes() : 0;
      ok = ok && t.commit();
      std::lock_guard<std::mutex> guard(mutex);
      if (ok) {
        stored_bytes -= std::min(stored_bytes, removed);
        stored_entries -= std::min(stored_entries, removed_entries);
        tree_bytes = tree_after;
      }
      if (!ok && t.full() && (!doomed_seqs.empty() || work.size() > 1)) {
        // Fuller than estimated (LMDB's own pages): the events wait in
        // memory, unacked.
        map_full_waits.fetch_add(1, std::memory_order_relaxed);
        commit_budget = std::max<size_t>(1, work.size() / 2);
        acked.insert(acked.begin(), doomed_seqs.begin(), doomed_seqs.end());
        if (work.empty() && doomed_seqs.size() == 1) {
          // Not even one deletion fits: wait for the next ack, not spin.
          ctx->log(log_level::error, "the log is too full to delete acked events: " + t.error());
          writer_running = false;
          writer_idle.notify_all();
          return;
        }
        if (work.empty())
          delete_budget = std::max<size_t>(1, doomed_seqs.size() / 2);
        deletions_alone = !doomed_seqs.empty();
        for (auto it = work.rbegin(); it != work.rend(); ++it) {
          queued_bytes += it->entry.size() + 8 + entry_overhead;
          queued.push_front(std::move(*it));
        }
        continue;
      }
      if (!ok && !doomed_seqs.empty()) {
        // Kept on disk and tried again with the next ack.
        ctx->log(log_level::warning, "cannot forget acked events: " + t.error());
        acked.insert(acked.begin(), doomed_seqs.begin(), doomed_seqs.end());
      }
      if (ok) {
        commit_budget = std::min(commit_budget * 2, max_commit_budget);
        delete_budget = std::min(delete_budget * 2, max_commit_budget);
      }
      if (!ok) {
        // Nothing of this transaction is on disk: fail its events (their
        // sources send them again); not dropped.
        persist_failures.fetch_add(work.size(), std::memory_order_relaxed);
        ctx->log(log_level::warning, "cannot persist " + std::to_string(work.size()) +
                                       " event(s): " + t.error());
        for (auto& w : work)
          if (w.transactional && !stopped)
            ctx->fail(w.id);
        continue;
      }
      stored_bytes += work_bytes;
      stored_entries += work.size();
      for (auto& w : work)
        if (w.transactional && !stopped)
          ctx->ack(w.id);
      update_breaker_locked();
      replay_locked();
    }
  }

  void update_breaker_locked() {
    double fill = static_cast<double>(tree_bytes + queued_bytes) / static_cast<double>(capacity);
    if (!breaker_tripped && fill >= trip_fill) {
      breaker_tripped = true;
      ctx->circuit_breaker(false);
    } else if (breaker_tripped && fill <= restore_fill) {
      breaker_tripped = false;
      ctx->circuit_breaker(true);
    }
  }

  // -- source side ------------------------------------------------------------

  /// Emits persisted events from the read position, each its own stream
  /// (its sequence number), so an ack names exactly the entry it is for.
  void replay_locked() {
    if (!flowing || stopped)
      return;
    if (retry.empty() && (tracker.in_flight() >= max_in_flight || read_pos >= next_seq))
      return;
    lmdb_store::txn t(store, false);
    if (!t.ok())
      return;
    for (; !retry.empty(); retry.pop_front()) {
      uint64_t seq = retry.front();
      std::string entry;
      value payload, meta;
      std::string err;
      if (!t.get(kv::u64_key(seq), entry) || !decode_entry(entry, payload, meta, err)) {
        ctx->log(log_level::error, "cannot send entry " + std::to_string(seq) + " again: " + err + t.error());
        continue;
      }
      ctx->receive_value(seq, std::move(payload), std::move(meta));
      ctx->stream_finished(seq);
    }
    if (tracker.in_flight() >= max_in_flight || read_pos >= next_seq)
      return;
    t.scan(kv::u64_key(read_pos), {}, [&](std::string_view key, std::string_view val) {
      uint64_t seq = kv::u64_of_key(key);
      value payload, meta;
      std::string err;
      if (!decode_entry(val, payload, meta, err)) {
        ctx->log(log_level::error, "skipping unreadable entry " + std::to_string(seq) + ": " + err);
        read_pos = seq + 1;
        return true;
      }
      tracker.emitted(static_cast<int64_t>(seq));
      read_pos = seq + 1;
      ctx->receive_value(seq, std::move(payload), std::move(meta));
      ctx->stream_finished(seq);
      return tracker.in_flight() < max_in_flight;
    });
  }

  void ack(uint64_t seq) {
    std::lock_guard<std::mutex> guard(mutex);
    if (!tracker.ack(static_cast<int64_t>(seq)))
      return;
    // Each acked entry goes at once: after a crash only what was still
    // in flight is replayed.
    acked.push_back(seq);
    schedule_writer_locked();
    // Refill in bulk rather than one read transaction per ack.
    if (tracker.in_flight() <= max_in_flight / 2)
      replay_locked();
  }

  /// Lets the writer put what was flushed on disk (bounded), then stops
  /// every context call.
  void close() {
    std::unique_lock<std::mutex> lock(mutex);
    for (auto& w : batch) {
      queued_bytes += w.entry.size() + 8 + entry_overhead;
      queued.push_back(std::move(w));
    }
    batch.clear();
    schedule_writer_locked();
    writer_idle.wait_for(lock, std::chrono::seconds(5), [&] { return !writer_running; });
    stopped = true;
  }

  /// A failed event is sent again on its own; the ones after it that were
  /// written stay written (no rewind storm behind a flaky sink).
  void fail(uint64_t seq) {
    std::lock_guard<std::mutex> guard(mutex);
    if (tracker.ack(static_cast<int64_t>(seq)) == false)
      return;
    tracker.emitted(static_cast<int64_t>(seq));
    retries.fetch_add(1, std::memory_order_relaxed);
    retry.push_back(seq);
    replay_locked();
  }

  void set_flowing(bool on) {
    std::lock_guard<std::mutex> guard(mutex);
    flowing = on;
    replay_locked();
  }

  std::string path;
  size_t capacity;
  std::shared_ptr<connector_context> ctx;
  io::blocking_pool* blocking = nullptr;
  std::atomic<uint64_t>& persist_failures;
  std::atomic<uint64_t>& map_full_waits;
  std::atomic<uint64_t>& retries;

  std::mutex mutex; ///< guards what follows
  std::condition_variable writer_idle;
  lmdb_store store;
  std::vector<pending_write> batch;  ///< written since the last flush()
  std::deque<pending_write> queued;  ///< flushed, waiting for the writer
  bool writer_running = false;
  size_t commit_budget = max_commit_budget; ///< events per transaction
  bool deletions_alone = false; ///< the next transaction only deletes
  size_t delete_budget = max_commit_budget; ///< deletions per transaction
  uint64_t next_seq = 0;
  uint64_t read_pos = 0;       ///< next entry to replay
  std::vector<uint64_t> acked; ///< entries to delete
  size_t stored_bytes = 0;
  size_t queued_bytes = 0; ///< flushed, not yet on disk
  size_t tree_bytes = 0;   ///< pages LMDB's tree occupies (out-of-order deletes leave gaps)
  size_t stored_entries = 0;
  kafka::offset_tracker tracker;
  std::deque<uint64_t> retry; ///< failed entries to send again
  bool flowing = false;
  bool breaker_tripped = false;
  bool stopped = false;
};

class wal_connector final : public connector {
public:
  wal_connector(std::string path, size_t capacity, std::shared_ptr<connector_context> ctx)
    : core_(std::make_shared<wal_core>(std::move(path), capacity, std::move(ctx))) {}
  ~wal_connector() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }
  bool transactional() const override { return true; }

  void start(const start_args& args) override { core_->blocking = args.services.blocking; }

  void connect() override {
    std::string err;
    if (!core_->open(err)) {
      core_->ctx->connect_failed(err);
      return;
    }
    core_->ctx->connected();
  }

  void resume() override { core_->set_flowing(true); }
  void pause() override { core_->set_flowing(false); }
  void ack(uint64_t stream, uint64_t) override { core_->ack(stream); }
  void fail(uint64_t stream, uint64_t) override { core_->fail(stream); }

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    return core_->write(ev);
  }
  void flush() override { core_->flush(); }
  void drain() override { core_->set_flowing(false); }

  void stop() override { core_->close(); }

private:
  std::shared_ptr<wal_core> core_;
};

std::unique_ptr<connector> make_wal(const connector_args& args, std::string& err) {
  std::string path = args.config.get("path")->as_string();
  uint64_t chunk_size = 0, max_chunks = 0;
  args.config.get("chunk_size")->get_u64(chunk_size);
  args.config.get("max_chunks")->get_u64(max_chunks);
  if (path.empty() || chunk_size == 0 || max_chunks == 0) {
    err = "`config.path` must be a directory and `chunk_size`, `max_chunks` greater than 0";
    return nullptr;
  }
  if (max_chunks > (uint64_t{1} << 40) / chunk_size) {
    err = "`config.chunk_size` × `config.max_chunks` must stay below 1 TiB";
    return nullptr;
  }
  // LMDB's map is whole pages; at least 16 of them.
  uint64_t capacity = (chunk_size * max_chunks + 4095) / 4096 * 4096;
  capacity = std::max<uint64_t>(capacity, 16 * 4096);
  return std::make_unique<wal_connector>(std::move(path), static_cast<size_t>(capacity), args.context);
}

} // namespace

const connector_descriptor& wal_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "wal";
    d.summary = "write-ahead log (LMDB): persists every event before acking it upstream and replays it downstream until acked, across restarts";
    d.codec = codec_requirement::structured;
    d.config = {
      required_key("path", value_types::string, "Directory of the log (created when missing); keep one per wal connector."),
      required_key("chunk_size", value_types::unsigned_int, "Bytes per chunk; the log's file never grows past `chunk_size` × `max_chunks`."),
      required_key("max_chunks", value_types::unsigned_int, "Chunks the log may hold; at half full the circuit breaker stops upstream until acks free room."),
    };
    d.make = &make_wal;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
