#include "connectors/kafka/kafka_consumer.hpp"

#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/kafka/client_core.hpp"
#include "connectors/kafka/kafka_handle.hpp"
#include "connectors/kafka/kafka_options.hpp"
#include "connectors/kafka/offset_tracker.hpp"

namespace temblor::connectors::kafka {

namespace {

// A partition's messages travel on one stream, each event carrying its
// message's offset as pull id, so acks and fails name offsets. The stream id
// is the partition's slot below a generation that grows whenever the
// partition is (re)assigned or rewound (offset_tracker).
constexpr unsigned slot_bits = 20;
constexpr uint64_t slot_mask = (uint64_t{1} << slot_bits) - 1;

// Events a transactional consumer may have unacknowledged before it pauses
// fetching; it resumes below half.
constexpr size_t max_in_flight = 16384;
// Messages handed downstream per turn of the event loop.
constexpr int drain_budget = 2048;
constexpr auto poll_interval = std::chrono::milliseconds(100);
constexpr int close_timeout_ms = 5000;

void destroy_error(rd_kafka_error_t* e) {
  if (e)
    rd_kafka_error_destroy(e);
}

struct consumer_settings {
  std::string bootstrap;
  std::string group_id;
  std::vector<std::string> topics;
  consumer_mode mode;
  std::string alias;
};

struct partition_slot {
  std::string topic;
  int32_t partition = 0;
  bool assigned = false;
  uint32_t slot = 0;
  uint64_t generation = 0;
  offset_tracker tracker;
  int64_t stored = -1; ///< the offset last stored for commit

  uint64_t next_stream() { return (++generation << slot_bits) | slot; }
};

/// Everything the actor thread (acks, pause), the event loop (draining
/// librdkafka's queue, rebalances) and librdkafka's threads (wake-ups,
/// errors) share; handlers hold it by shared_ptr.
struct consumer_core : std::enable_shared_from_this<consumer_core> {
  consumer_core(consumer_settings s, std::shared_ptr<connector_context> c)
    : cfg(std::move(s)), ctx(std::move(c)),
      rewinds(ctx->counter("rewinds")),
      stale_acks(ctx->counter("stale_acks")),
      consume_errors(ctx->counter("consume_errors")),
      fetched_while_paused(ctx->counter("fetched_while_paused")) {}

  // -- librdkafka callbacks (its threads, or inside consumer_poll) --------------

  static void on_wake(rd_kafka_t*, void* opaque) {
    static_cast<consumer_core*>(opaque)->post_drain();
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque) {
    static_cast<consumer_core*>(opaque)->rebalance(rk, err, parts);
  }



  void rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      std::lock_guard<std::mutex> guard(mutex);
      if (cooperative)
        destroy_error(rd_kafka_incremental_assign(rk, parts));
      else
        rd_kafka_assign(rk, parts);
      for (int i = 0; i < parts->cnt; ++i) {
        auto& s = slots[slot_for(parts->elems[i].topic, parts->elems[i].partition)];
        s.assigned = true;
        s.tracker.restart(s.next_stream());
        finish_streams_locked(s);
        s.stored = -1;
      }
      // A partition that arrives while fetching is paused starts paused.
      if (!fetching)
        rd_kafka_pause_partitions(rk, parts);
      if (!stopped)
        ctx->log(log_level::info, "assigned " + std::to_string(parts->cnt) + " partition(s)");
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      partition_list commit(parts->cnt);
      {
        std::lock_guard<std::mutex> guard(mutex);
        for (int i = 0; i < parts->cnt; ++i) {
          auto& s = slots[slot_for(parts->elems[i].topic, parts->elems[i].partition)];
          int64_t c = s.tracker.committable();
          if (cfg.mode.transactional && c >= 0)
            rd_kafka_topic_partition_list_add(commit.list, s.topic.c_str(), s.partition)->offset = c;
          // Acks still to come for this partition are ignored: its new owner
          // reads from the committed offset, so they come again there.
          in_flight_total -= s.tracker.in_flight();
          s.tracker.restart(s.next_stream());
          finish_streams_locked(s);
          s.assigned = false;
        }
        drop_held_locked([](const rd_kafka_message_t*) { return true; }, parts);
      }
      // Commit what is acked before the partitions go, so the next owner
      // starts right after it.
      if (commit.list->cnt > 0)
        rd_kafka_commit(rk, commit.list, 1 /* async: sent before the rejoin on the same connection */);
      if (cooperative)
        destroy_error(rd_kafka_incremental_unassign(rk, parts));
      else
        rd_kafka_assign(rk, nullptr);
      if (!stopped)
        ctx->log(log_level::info, "revoked " + std::to_string(parts->cnt) + " partition(s)");
      return;
    }
    if (!stopped)
      ctx->log(log_level::warning, std::string("rebalance failed: ") + rd_kafka_err2str(err));
    rd_kafka_assign(rk, nullptr);
  }

  // -- event loop --------------------------------------------------------------

  void post_drain() {
    if (drain_posted.exchange(true))
      return;
    asio::post(*io, [self = shared_from_this()] { self->drain(); });
  }

  void drain() {
    drain_posted = false;
    std::shared_ptr<kafka_handle> h;
    {
      std::lock_guard<std::mutex> guard(mutex);
      if (stopped || !handle)
        return;
      h = handle;
    }
    for (int budget = drain_budget; budget > 0; --budget) {
      rd_kafka_message_t* m = nullptr;
      {
        std::lock_guard<std::mutex> guard(mutex);
        if (stopped)
          return;
        if (flowing && !held.empty()) {
          m = held.front();
          held.pop_front();
        }
      }
      // Polling also serves rebalances, so it goes on while paused.
      if (!m)
        m = rd_kafka_consumer_poll(h->get(), 0);
      if (!m)
        return;
      if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && !stopped) {
          consume_errors.fetch_add(1, std::memory_order_relaxed);
          ctx->log(log_level::warning, std::string("kafka: ") + rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
        continue;
      }
      std::lock_guard<std::mutex> guard(mutex);
      if (stopped) {
        rd_kafka_message_destroy(m);
        return;
      }
      // Messages fetched just before a pause took effect wait for resume().
      if (!flowing) {
        fetched_while_paused.fetch_add(1, std::memory_order_relaxed);
        held.push_back(m);
        continue;
      }
      emit_locked(m);
      rd_kafka_message_destroy(m);
    }
    post_drain(); // more is waiting: let the loop's other handlers run first
  }

  void emit_locked(const rd_kafka_message_t* m) {
    const char* topic = rd_kafka_topic_name(m->rkt);
    uint32_t slot = slot_for(topic, m->partition);
    auto& s = slots[slot];
    if (!s.assigned)
      return; // revoked meanwhile: its new owner reads it
    record km;
    km.set("key", m->key ? value{bytes{std::string(static_cast<const char*>(m->key), m->key_len)}}
                         : value{});
    km.set("headers", headers_of(m));
    km.set("topic", std::string(topic));
    km.set("partition", static_cast<int64_t>(m->partition));
    km.set("offset", static_cast<int64_t>(m->offset));
    rd_kafka_timestamp_type_t ts_type;
    int64_t ts = rd_kafka_message_timestamp(m, &ts_type);
    km.set("timestamp", ts >= 0 ? value{ts * 1'000'000} : value{});
    record meta;
    meta.set("kafka_consumer", value{std::move(km)});
    std::string payload(static_cast<const char*>(m->payload), m->len);
    auto offset = static_cast<uint64_t>(m->offset);
    if (!cfg.mode.transactional) {
      ctx->receive_bytes_as(s.tracker.stream(), offset, std::move(payload), value{std::move(meta)});
      return;
    }
    // Fetched before a rewind's seek took effect: it comes again.
    if (!s.tracker.emitted(m->offset))
      return;
    ++in_flight_total;
    ctx->receive_bytes_as(s.tracker.stream(), offset, std::move(payload), value{std::move(meta)});
    update_fetch_locked();
  }

  /// Ends the streams of `s` nothing is in flight on any more.
  void finish_streams_locked(partition_slot& s) {
    auto finished = s.tracker.take_finished();
    if (stopped)
      return; // no context call after stop()
    for (uint64_t stream : finished)
      ctx->stream_finished(stream);
  }

  static value headers_of(const rd_kafka_message_t* m) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || !hdrs)
      return value{record{}};
    record out;
    const char* name = nullptr;
    const void* val = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
      out.set(name, val ? value{bytes{std::string(static_cast<const char*>(val), size)}} : value{});
    return value{std::move(out)};
  }

  /// A broker answered: poll on a timer too (rebalances, and librdkafka's
  /// max.poll.interval while nothing arrives) and take what is waiting.
  void on_connected() {
    if (!timer_running.exchange(true))
      asio::post(*io, [self = shared_from_this()] { self->arm_timer(); });
    post_drain();
  }

  void arm_timer() {
    timer->expires_after(poll_interval);
    timer->async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (ec || self->stopped)
        return;
      self->post_drain();
      self->arm_timer();
    });
  }

  // -- actor thread -------------------------------------------------------------

  /// Pauses or resumes fetching the whole assignment: while the source is
  /// paused (circuit breaker) or too much is unacknowledged.
  void update_fetch_locked() {
    if (!handle)
      return;
    bool want = flowing;
    if (cfg.mode.transactional)
      want = want && in_flight_total < (fetching ? max_in_flight : max_in_flight / 2);
    if (want == fetching)
      return;
    fetching = want;
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    if (rd_kafka_assignment(handle->get(), &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR)
      return;
    partition_list list(assigned);
    if (want)
      rd_kafka_resume_partitions(handle->get(), list.list);
    else
      rd_kafka_pause_partitions(handle->get(), list.list);
  }

  void set_flowing(bool on) {
    std::lock_guard<std::mutex> guard(mutex);
    flowing = on;
    update_fetch_locked();
    if (on && handle)
      post_drain();
  }

  void ack(uint64_t stream, uint64_t pull_id) {
    std::lock_guard<std::mutex> guard(mutex);
    partition_slot* s = slot_of_stream(stream);
    size_t done = s ? s->tracker.ack(stream, static_cast<int64_t>(pull_id)) : 0;
    if (done == 0) {
      stale_acks.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    in_flight_total -= done;
    finish_streams_locked(*s);
    store_locked(*s);
    update_fetch_locked();
  }

  /// Reads the partition again from the failed offset (Tremor seeks back
  /// even when a later offset was acked meanwhile).
  void fail(uint64_t stream, uint64_t pull_id) {
    if (!cfg.mode.retry_failed_events) {
      ack(stream, pull_id); // given up on: the offset moves past it
      return;
    }
    std::lock_guard<std::mutex> guard(mutex);
    partition_slot* s = slot_of_stream(stream);
    auto offset = static_cast<int64_t>(pull_id);
    if (!s)
      return;
    size_t before = s->tracker.in_flight();
    if (!s->tracker.rewind(stream, offset, s->next_stream()))
      return;
    finish_streams_locked(*s);
    in_flight_total -= before - s->tracker.in_flight();
    rewinds.fetch_add(1, std::memory_order_relaxed);
    auto same_partition_after = [&](const rd_kafka_message_t* m) {
      return m->partition == s->partition && m->offset >= offset &&
             s->topic == rd_kafka_topic_name(m->rkt);
    };
    drop_held_locked(same_partition_after, nullptr);
    partition_list seek;
    rd_kafka_topic_partition_list_add(seek.list, s->topic.c_str(), s->partition)->offset = offset;
    // Asynchronous (timeout 0): what was fetched past `offset` is discarded
    // by librdkafka and fetched again.
    destroy_error(rd_kafka_seek_partitions(handle->get(), seek.list, 0));
    store_locked(*s);
    update_fetch_locked();
  }

  /// Stores the offset to commit; after a rewind it may go back.
  void store_locked(partition_slot& s) {
    int64_t c = s.tracker.committable();
    if (c < 0 || c == s.stored)
      return;
    s.stored = c;
    partition_list store;
    rd_kafka_topic_partition_list_add(store.list, s.topic.c_str(), s.partition)->offset = c;
    rd_kafka_offsets_store(handle->get(), store.list);
    if (cfg.mode.commit_on_ack)
      rd_kafka_commit(handle->get(), store.list, 1);
  }

  partition_slot* slot_of_stream(uint64_t stream) {
    if (stopped || !handle)
      return nullptr;
    uint64_t slot = stream & slot_mask;
    if (slot >= slots.size() || !slots[slot].assigned)
      return nullptr;
    return &slots[slot];
  }

  uint32_t slot_for(const std::string& topic, int32_t partition) {
    auto key = std::make_pair(topic, partition);
    auto it = slot_index.find(key);
    if (it != slot_index.end())
      return it->second;
    auto slot = static_cast<uint32_t>(slots.size());
    slots.emplace_back();
    slots.back().topic = topic;
    slots.back().partition = partition;
    slots.back().slot = slot;
    slot_index.emplace(std::move(key), slot);
    return slot;
  }

  // Drops held messages matching `pred` (and in `parts`, when given).
  template <class Pred>
  void drop_held_locked(Pred pred, const rd_kafka_topic_partition_list_t* parts) {
    std::deque<rd_kafka_message_t*> keep;
    for (auto* m : held) {
      bool in_parts = !parts;
      for (int i = 0; parts && i < parts->cnt && !in_parts; ++i)
        in_parts = parts->elems[i].partition == m->partition &&
                   std::strcmp(parts->elems[i].topic, rd_kafka_topic_name(m->rkt)) == 0;
      if (in_parts && pred(m))
        rd_kafka_message_destroy(m);
      else
        keep.push_back(m);
    }
    held.swap(keep);
  }

  // -- connection -----------------------------------------------------------------

  /// Creates the client and subscribes; false with `err`.
  bool open(std::string& err) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rdkafka_options options = {
      {"bootstrap.servers", cfg.bootstrap},
      {"group.id", cfg.group_id},
      {"client.id", "temblor-" + cfg.alias},
      {"enable.partition.eof", "false"},
      {"auto.offset.reset", "earliest"},
    };
    options.insert(options.end(), cfg.mode.options.begin(), cfg.mode.options.end());
    if (!apply_options(conf, options, err)) {
      rd_kafka_conf_destroy(conf);
      return false;
    }
    client_callbacks<consumer_core>::install(conf, this);
    rd_kafka_conf_set_rebalance_cb(conf, &consumer_core::on_rebalance);
    auto h = kafka_handle::create(RD_KAFKA_CONSUMER, conf, err);
    if (!h)
      return false;
    rd_kafka_poll_set_consumer(h->get());
    partition_list topics(static_cast<int>(cfg.topics.size()));
    for (const auto& t : cfg.topics)
      rd_kafka_topic_partition_list_add(topics.list, t.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto rc = rd_kafka_subscribe(h->get(), topics.list); rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
      err = std::string("cannot subscribe: ") + rd_kafka_err2str(rc);
      return false;
    }
    rd_kafka_queue_cb_event_enable(h->consumer_queue(), &consumer_core::on_wake, this);
    std::lock_guard<std::mutex> guard(mutex);
    handle = std::move(h);
    fetching = true; // a new client fetches until told otherwise
    update_fetch_locked();
    return true;
  }

  /// Leaves the group (committing what auto commit stored) and drops the client.
  void close() {
    std::shared_ptr<kafka_handle> h;
    std::deque<rd_kafka_message_t*> dropped;
    {
      std::lock_guard<std::mutex> guard(mutex);
      h = std::move(handle);
      dropped.swap(held);
      in_flight_total = 0;
      for (auto& s : slots) {
        s.tracker.restart(s.next_stream());
        s.tracker.take_finished(); // closing: the runtime ends its streams itself
        s.assigned = false;
      }
    }
    for (auto* m : dropped)
      rd_kafka_message_destroy(m);
    if (h)
      h->close_consumer(close_timeout_ms, &consumer_core::on_rebalance);
  }

  consumer_settings cfg;
  std::shared_ptr<connector_context> ctx;
  asio::io_context* io = nullptr;
  io::blocking_pool* blocking = nullptr;
  std::shared_ptr<asio::steady_timer> timer;
  std::atomic<uint64_t>& rewinds;
  std::atomic<uint64_t>& stale_acks;
  std::atomic<uint64_t>& consume_errors;
  /// Messages that arrived while paused (fetched before the pause took
  /// effect); stays near zero because pausing stops the fetching itself.
  std::atomic<uint64_t>& fetched_while_paused;

  std::atomic<bool> drain_posted{false};
  std::atomic<bool> stopped{false};
  std::atomic<bool> timer_running{false};

  std::mutex mutex; ///< guards what follows
  std::shared_ptr<kafka_handle> handle;
  std::vector<partition_slot> slots;
  std::map<std::pair<std::string, int32_t>, uint32_t> slot_index;
  std::deque<rd_kafka_message_t*> held;
  size_t in_flight_total = 0;
  bool flowing = false;  ///< resume()d and not pause()d
  bool fetching = true;  ///< the assignment is not paused
};

class kafka_consumer final : public connector {
public:
  kafka_consumer(consumer_settings cfg, std::shared_ptr<connector_context> ctx)
    : core_(std::make_shared<consumer_core>(std::move(cfg), std::move(ctx))) {}
  ~kafka_consumer() override { stop(); }

  connector_ports ports() const override { return source_ports(); }
  bool transactional() const override { return core_->cfg.mode.transactional; }

  void start(const start_args& args) override {
    core_->io = &args.services.io->next();
    core_->blocking = args.services.blocking;
    core_->timer = std::make_shared<asio::steady_timer>(*core_->io);
  }

  // Creating the client does not reach a broker; a metadata request on the
  // blocking pool does, and decides connected() or connect_failed().
  void connect() override { connect_client(core_); }

  void resume() override { core_->set_flowing(true); }
  void pause() override { core_->set_flowing(false); }

  void ack(uint64_t stream, uint64_t pull_id) override { core_->ack(stream, pull_id); }
  void fail(uint64_t stream, uint64_t pull_id) override { core_->fail(stream, pull_id); }

  void drain() override { core_->set_flowing(false); }

  void stop() override {
    if (core_->stopped.exchange(true))
      return;
    core_->close();
    if (core_->timer)
      asio::post(*core_->io, [timer = core_->timer] { timer->cancel(); });
  }

private:
  std::shared_ptr<consumer_core> core_;
};

std::unique_ptr<connector> make_kafka_consumer(const connector_args& args, std::string& err) {
  consumer_settings cfg;
  cfg.alias = args.alias;
  if (!read_brokers(args.config, cfg.bootstrap, err))
    return nullptr;
  const value* topics = args.config.get("topics");
  for (const auto& t : topics->as_array()) {
    if (!t.is_string() || t.as_string().empty()) {
      err = "`config.topics` must be a list of topic names";
      return nullptr;
    }
    cfg.topics.push_back(t.as_string());
  }
  if (cfg.topics.empty()) {
    err = "`config.topics` must name at least one topic";
    return nullptr;
  }
  cfg.group_id = args.config.get("group_id")->as_string();
  if (cfg.group_id.empty()) {
    err = "`config.group_id` must not be empty";
    return nullptr;
  }
  if (!read_consumer_mode(*args.config.get("mode"), cfg.mode, err))
    return nullptr;
  // librdkafka checks every property and its value at once.
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  bool ok = apply_options(conf, cfg.mode.options, err);
  rd_kafka_conf_destroy(conf);
  if (!ok) {
    err = "`config.mode`: " + err;
    return nullptr;
  }
  return std::make_unique<kafka_consumer>(std::move(cfg), args.context);
}

} // namespace

const connector_descriptor& kafka_consumer_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "kafka_consumer";
    d.summary = "reads Kafka topics in a consumer group; `$kafka_consumer` = {key, headers, topic, partition, offset, timestamp}";
    d.config = {
      required_key("brokers", value_types::array, "Bootstrap brokers, `host` or `host:port` (port 9092 by default)."),
      required_key("topics", value_types::array, "Topics to subscribe to; the group shares their partitions."),
      required_key("group_id", value_types::string, "Consumer group: every process with the same id shares the partitions and the committed offsets."),
      optional_key("mode", value_types::string | value_types::record, "performance",
                   "\"performance\" (auto commit, not transactional), {\"transactional\": {\"commit_interval\": ns}} (offsets stored only for acked events, committed every interval, or on every ack when 0; a failed event rewinds its partition) or {\"custom\": {\"rdkafka_options\": {…}, \"retry_failed_events\": bool}}."),
    };
    d.make = &make_kafka_consumer;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::kafka
