#include "connectors/wal/wal.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/kafka/offset_tracker.hpp"
#include "connectors/wal/wal_log.hpp"

namespace temblor::connectors {

namespace {

// Events replayed downstream and not yet acked, at most; after a fail the
// replay starts again with a small window that doubles per round trip, so a
// flaky sink does not get the whole window again after every failure.
constexpr size_t max_in_flight = 4096;
constexpr size_t window_after_fail = 16;
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
// Acknowledged entries stay on disk this long before they are deleted: an
// ack covers every entry up to it, and when events go to several sinks one
// sink's ack may arrive just before another's fail of an earlier entry,
// which is then still there to send again.
constexpr auto settle_time = std::chrono::seconds(1);

using settle_clock = std::chrono::steady_clock;

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
      retries(ctx->counter("retries")), unreadable(ctx->counter("unreadable_entries")),
      late_fails(ctx->counter("late_fails")) {}

  bool open(std::string& err) {
    std::lock_guard<std::mutex> guard(mutex);
    if (opened)
      return true;
    if (!log.open(path, capacity, err))
      return false;
    opened = true;
    // What survived a restart is replayed from its first entry on.
    read_pos = log.first_seq();
    next_seq = log.next_seq();
    tree_bytes = log.tree_bytes();
    if (log.entries() > 0)
      ctx->log(log_level::info, std::to_string(log.entries()) + " event(s) to replay from " + path);
    update_breaker_locked();
    return true;
  }

  // -- sink side (actor thread) ------------------------------------------------

  sink_outcome write(const event& ev) {
    pending_write w;
    w.entry = wal_log::encode(ev.payload, ev.meta);
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
        take_settled_locked();
        size_t limit = static_cast<size_t>(static_cast<double>(capacity) * commit_fill);
        while (!stopped && !deletions_alone && !queued.empty() && work.size() < commit_budget) {
          size_t need = queued.front().entry.size() + 8 + entry_overhead;
          // One event larger than the room is tried alone (and failed if it
          // cannot fit at all) rather than blocking the log for ever.
          bool alone = log.entries() == 0 && work.empty();
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
          arm_settle_timer_locked();
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
      std::vector<std::pair<uint64_t, std::string_view>> append;
      append.reserve(work.size());
      for (const auto& w : work)
        append.emplace_back(w.seq, w.entry);
      auto result = log.commit(doomed_seqs, append);
      bool ok = result.ok;
      std::lock_guard<std::mutex> guard(mutex);
      if (ok)
        tree_bytes = log.tree_bytes();
      if (!ok && result.full && (!doomed_seqs.empty() || work.size() > 1)) {
        // Fuller than estimated (LMDB's own pages): the events wait in
        // memory, unacked.
        map_full_waits.fetch_add(1, std::memory_order_relaxed);
        commit_budget = std::max<size_t>(1, work.size() / 2);
        acked.insert(acked.begin(), doomed_seqs.begin(), doomed_seqs.end());
        if (work.empty() && doomed_seqs.size() == 1) {
          // Not even one deletion fits: wait for the next ack, not spin.
          ctx->log(log_level::error, "the log is too full to delete acked events: " + result.error);
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
        ctx->log(log_level::warning, "cannot forget acked events: " + result.error);
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
                                       " event(s): " + result.error);
        for (auto& w : work)
          if (w.transactional && !stopped)
            ctx->fail(w.id);
        continue;
      }
      for (auto& w : work)
        if (w.transactional && !stopped)
          ctx->ack(w.id);
      update_breaker_locked();
      replay_locked();
    }
  }

  /// Acked entries whose settle time passed become deletions.
  void take_settled_locked() {
    auto now = settle_clock::now();
    while (!settling.empty() && now - settling.front().second >= settle_time) {
      acked.push_back(settling.front().first);
      settling.pop_front();
    }
  }

  /// Runs the writer again once the oldest settling entry may go.
  void arm_settle_timer_locked() {
    if (settling.empty() || settle_timer_armed || stopped || !io)
      return;
    settle_timer_armed = true;
    auto due = settling.front().second + settle_time;
    // Timer operations stay on its loop's thread.
    asio::post(*io, [self = shared_from_this(), due] {
      self->settle_timer->expires_at(due);
      self->settle_timer->async_wait([self](const asio::error_code& ec) {
        std::lock_guard<std::mutex> guard(self->mutex);
        self->settle_timer_armed = false;
        if (ec || self->stopped)
          return;
        self->schedule_writer_locked();
      });
    });
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

  /// Emits persisted events from the read position on one stream, each
  /// carrying its entry's number as pull id (acks name entries).
  void replay_locked() {
    if (!flowing || stopped)
      return;
    if (tracker.in_flight() >= window || read_pos >= next_seq)
      return;
    std::string err;
    bool ok = log.read(
      read_pos,
      [&](uint64_t seq, value payload, value meta) {
        read_pos = seq + 1;
        if (!tracker.emitted(static_cast<int64_t>(seq)))
          return true; // cannot happen: the log's entries ascend
        ctx->receive_value_as(tracker.stream(), seq, std::move(payload), std::move(meta));
        return tracker.in_flight() < window;
      },
      [&](uint64_t seq, const std::string& why) {
        // Never replayed half: reported, and forgotten with the next acks.
        unreadable.fetch_add(1, std::memory_order_relaxed);
        ctx->log(log_level::error, "skipping unreadable entry " + std::to_string(seq) + ": " + why);
        read_pos = seq + 1;
        acked.push_back(seq);
      },
      err);
    if (!ok)
      ctx->log(log_level::error, "cannot read the log: " + err);
    if (!acked.empty())
      schedule_writer_locked();
  }

  /// Acknowledges every entry up to `seq` the stream carried (a batch's ack
  /// names its last event); they are deleted with the next transaction, so
  /// after a crash only what was in flight is replayed.
  void ack(uint64_t stream, uint64_t seq) {
    std::lock_guard<std::mutex> guard(mutex);
    std::vector<int64_t> done;
    if (tracker.ack(stream, static_cast<int64_t>(seq), &done) == 0)
      return;
    auto now = settle_clock::now();
    for (int64_t d : done)
      settling.emplace_back(static_cast<uint64_t>(d), now);
    finish_streams_locked();
    arm_settle_timer_locked();
    // One more per acked entry: the window doubles per round trip.
    window = std::min(window + done.size(), max_in_flight);
    // Refill in bulk rather than one read transaction per ack.
    if (tracker.in_flight() <= window / 2)
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
    // No fail can come any more: what settles may go now.
    for (const auto& s : settling)
      acked.push_back(s.first);
    settling.clear();
    schedule_writer_locked();
    writer_idle.wait_for(lock, std::chrono::seconds(5), [&] { return !writer_running; });
    stopped = true;
  }

  /// Replays again from the failed entry (Tremor's wal reverts to it): the
  /// ones after it were in flight and come again on a new stream. A fail for
  /// an entry a later ack covered is honoured while the entry settles, and
  /// counted as late (stale) after.
  void fail(uint64_t stream, uint64_t seq) {
    std::lock_guard<std::mutex> guard(mutex);
    auto entry = static_cast<int64_t>(seq);
    if (!tracker.in_flight(entry)) {
      auto it = std::find_if(settling.begin(), settling.end(),
                             [&](const auto& s) { return s.first == seq; });
      if (it == settling.end()) {
        late_fails.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    }
    if (!tracker.rewind(stream, entry, ++last_stream))
      return;
    // What settles from the failed entry on is sent again, so kept.
    settling.erase(std::remove_if(settling.begin(), settling.end(),
                                  [&](const auto& s) { return s.first >= seq; }),
                   settling.end());
    retries.fetch_add(1, std::memory_order_relaxed);
    read_pos = seq;
    window = window_after_fail;
    finish_streams_locked();
    replay_locked();
  }

  void finish_streams_locked() {
    for (uint64_t s : tracker.take_finished())
      if (!stopped)
        ctx->stream_finished(s);
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
  std::atomic<uint64_t>& unreadable;
  /// Fails for entries acknowledged (by a later ack) and deleted already.
  std::atomic<uint64_t>& late_fails;
  asio::io_context* io = nullptr;
  std::shared_ptr<asio::steady_timer> settle_timer;

  std::mutex mutex; ///< guards what follows
  std::condition_variable writer_idle;
  wal_log log;
  bool opened = false;
  std::vector<pending_write> batch;  ///< written since the last flush()
  std::deque<pending_write> queued;  ///< flushed, waiting for the writer
  bool writer_running = false;
  size_t commit_budget = max_commit_budget; ///< events per transaction
  bool deletions_alone = false; ///< the next transaction only deletes
  size_t delete_budget = max_commit_budget; ///< deletions per transaction
  uint64_t next_seq = 0;
  uint64_t read_pos = 0;       ///< next entry to replay
  std::vector<uint64_t> acked; ///< entries to delete
  std::deque<std::pair<uint64_t, settle_clock::time_point>> settling; ///< acked, in ack order
  bool settle_timer_armed = false;
  size_t window = max_in_flight; ///< events replayed and not acked, at most
  size_t queued_bytes = 0; ///< flushed, not yet on disk
  size_t tree_bytes = 0;   ///< pages LMDB's tree occupies (out-of-order deletes leave gaps)
  uint64_t last_stream = 1;
  kafka::offset_tracker tracker{last_stream};
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

  void start(const start_args& args) override {
    core_->blocking = args.services.blocking;
    core_->io = &args.services.io->next();
    core_->settle_timer = std::make_shared<asio::steady_timer>(*core_->io);
  }

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
  void ack(uint64_t stream, uint64_t pull_id) override { core_->ack(stream, pull_id); }
  void fail(uint64_t stream, uint64_t pull_id) override { core_->fail(stream, pull_id); }

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    return core_->write(ev);
  }
  void flush() override { core_->flush(); }
  void drain() override { core_->set_flowing(false); }

  void stop() override {
    core_->close();
    if (core_->settle_timer)
      asio::post(*core_->io, [timer = core_->settle_timer] { timer->cancel(); });
  }

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
