#include "connectors/kafka/kafka_producer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/kafka/client_core.hpp"
#include "connectors/kafka/kafka_handle.hpp"
#include "connectors/kafka/kafka_options.hpp"

namespace temblor::connectors::kafka {

namespace {

constexpr auto poll_interval = std::chrono::milliseconds(100);
constexpr int flush_timeout_ms = 5000;
// How long a graceful stop waits for what librdkafka holds (after the
// runtime waited for the transactional events' delivery reports).
constexpr auto finish_timeout = std::chrono::seconds(3);

struct producer_settings {
  std::string bootstrap;
  std::string topic;
  value key; ///< string or null
  rdkafka_options options;
  std::string alias;
};

/// One event's messages waiting for their delivery reports.
struct delivery {
  event_id id;
  bool transactional = false;
  int remaining = 0;
  bool failed = false;
};

/// One message not yet accepted by librdkafka (its queue was full).
struct parked_message {
  delivery* owner = nullptr;
  std::string payload;
  std::string key;
  bool has_key = false;
  int32_t partition = RD_KAFKA_PARTITION_UA;
  int64_t timestamp_ms = 0;
  std::vector<std::pair<std::string, std::string>> headers;
};

const std::string* text_of(const value* v) { return v ? v->get_text() : nullptr; }

/// What the actor thread (writes), the event loop (delivery reports, retries
/// of parked messages) and librdkafka's threads (wake-ups) share.
struct producer_core : std::enable_shared_from_this<producer_core> {
  producer_core(producer_settings s, std::shared_ptr<connector_context> c)
    : cfg(std::move(s)), ctx(std::move(c)),
      delivery_failures(ctx->counter("delivery_failures")),
      queue_full(ctx->counter("queue_full")) {}

  static void on_wake(rd_kafka_t*, void* opaque) { static_cast<producer_core*>(opaque)->post_poll(); }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    static_cast<producer_core*>(opaque)->delivered(m);
  }



  void delivered(const rd_kafka_message_t* m) {
    auto* d = static_cast<delivery*>(m->_private);
    if (!d)
      return;
    if (m->err) {
      d->failed = true;
      delivery_failures.fetch_add(1, std::memory_order_relaxed);
      if (!stopped)
        ctx->log(log_level::warning, std::string("delivery failed: ") + rd_kafka_err2str(m->err));
    }
    if (--d->remaining > 0)
      return;
    if (d->transactional) {
      // Counted down before the ack: the runtime looks at writes_in_flight()
      // again when the ack arrives.
      transactional_pending.fetch_sub(1, std::memory_order_relaxed);
      if (!stopped) {
        if (d->failed)
          ctx->fail(d->id);
        else
          ctx->ack(d->id);
      }
    }
    delete d;
  }

  void post_poll() {
    if (poll_posted.exchange(true))
      return;
    asio::post(*io, [self = shared_from_this()] { self->poll(); });
  }

  // Serves delivery reports, then sends what waited for room in the queue.
  void poll() {
    poll_posted = false;
    std::shared_ptr<kafka_handle> h;
    {
      std::lock_guard<std::mutex> guard(mutex);
      h = handle;
    }
    if (!h)
      return;
    rd_kafka_poll(h->get(), 0);
    std::lock_guard<std::mutex> guard(mutex);
    if (parked.empty() || handle != h)
      return;
    while (!parked.empty()) {
      if (!send_locked(parked.front()))
        return;
      parked.pop_front();
    }
    if (breaker_tripped) {
      breaker_tripped = false;
      ctx->circuit_breaker(true);
    }
  }

  /// A broker answered: serve delivery reports on a timer too.
  void on_connected() {
    if (!timer_running.exchange(true))
      asio::post(*io, [self = shared_from_this()] { self->arm_timer(); });
  }

  void arm_timer() {
    timer->expires_after(poll_interval);
    timer->async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (ec || self->stopped)
        return;
      self->post_poll();
      self->arm_timer();
    });
  }

  /// Hands one message to librdkafka; false when its queue is full.
  bool send_locked(parked_message& p) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (!p.headers.empty()) {
      hdrs = rd_kafka_headers_new(p.headers.size());
      for (const auto& [name, val] : p.headers)
        rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), val.data(),
                            static_cast<ssize_t>(val.size()));
    }
    rd_kafka_resp_err_t err = rd_kafka_producev(
      handle->get(), RD_KAFKA_V_TOPIC(cfg.topic.c_str()),
      RD_KAFKA_V_VALUE(p.payload.data(), p.payload.size()),
      RD_KAFKA_V_KEY(p.has_key ? p.key.data() : nullptr, p.has_key ? p.key.size() : 0),
      RD_KAFKA_V_PARTITION(p.partition), RD_KAFKA_V_TIMESTAMP(p.timestamp_ms),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(hdrs),
      RD_KAFKA_V_OPAQUE(p.owner), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
      return true;
    if (hdrs)
      rd_kafka_headers_destroy(hdrs);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      queue_full.fetch_add(1, std::memory_order_relaxed);
      // Back-pressure: upstream stops until delivery reports make room.
      if (!breaker_tripped) {
        breaker_tripped = true;
        ctx->circuit_breaker(false);
      }
      return false;
    }
    // Refused for good (unknown partition, message too large): report it as
    // a failed delivery so the event is failed, not lost.
    rd_kafka_message_t failed{};
    failed.err = err;
    failed._private = p.owner;
    delivered(&failed);
    return true;
  }

  sink_outcome write(const event& ev, serializer& ser) {
    frames.clear();
    std::string err;
    if (!ser.serialize(0, ev.payload, ev.ingest_ns, frames, err)) {
      ctx->log(log_level::error, "cannot encode event: " + err);
      return sink_outcome::failed;
    }
    if (frames.empty())
      return sink_outcome::done;
    parked_message proto;
    const value* meta = ev.meta.get("kafka_producer");
    const std::string* key = text_of(meta ? meta->get("key") : nullptr);
    if (!key)
      key = text_of(&cfg.key);
    if (key) {
      proto.key = *key;
      proto.has_key = true;
    }
    if (meta) {
      int64_t n = 0;
      if (const value* p = meta->get("partition"); p && p->get_i64(n))
        proto.partition = static_cast<int32_t>(n);
      if (const value* t = meta->get("timestamp"); t && t->get_i64(n))
        proto.timestamp_ms = n / 1'000'000;
      if (const value* h = meta->get("headers"); h && h->is_record())
        for (const auto& [name, v] : h->as_record()) {
          if (const std::string* text = v.get_text())
            proto.headers.emplace_back(name, *text);
          else if (v.is_array())
            for (const auto& element : v.as_array())
              if (const std::string* t = element.get_text())
                proto.headers.emplace_back(name, *t);
        }
    }
    std::lock_guard<std::mutex> guard(mutex);
    if (!handle)
      return sink_outcome::failed;
    // Delivery reports complete the event, transactional or not.
    enqueue_locked(proto, frames, ev.transactional ? &ev.id : nullptr);
    return ev.transactional ? sink_outcome::pending : sink_outcome::done;
  }

  /// Sends `frames` (or parks them behind what waits for room) as one
  /// delivery, acked or failed when it is `id`'s.
  void enqueue_locked(const parked_message& proto, std::vector<std::string>& frames,
                      const event_id* id) {
    auto* d = new delivery;
    d->transactional = id != nullptr;
    if (id) {
      d->id = *id;
      transactional_pending.fetch_add(1, std::memory_order_relaxed);
    }
    d->remaining = static_cast<int>(frames.size());
    for (auto& frame : frames) {
      parked_message p = proto;
      p.owner = d;
      p.payload = std::move(frame);
      // Order is kept: once something waits, everything after it waits too.
      if (!parked.empty() || !send_locked(p))
        parked.push_back(std::move(p));
    }
  }

  /// Graceful stop: sends what the stream's postprocessors held, then waits
  /// (bounded) until librdkafka delivered everything it holds, parked
  /// messages included.
  void finish(serializer& ser) {
    std::vector<std::string> tail;
    ser.finish_stream(0, tail);
    std::shared_ptr<kafka_handle> h;
    {
      std::lock_guard<std::mutex> guard(mutex);
      h = handle;
      if (h && !tail.empty()) {
        parked_message proto;
        if (const std::string* key = text_of(&cfg.key)) {
          proto.key = *key;
          proto.has_key = true;
        }
        enqueue_locked(proto, tail, nullptr);
      }
    }
    if (!h)
      return;
    auto deadline = std::chrono::steady_clock::now() + finish_timeout;
    size_t waiting = 0;
    for (;;) {
      {
        std::lock_guard<std::mutex> guard(mutex);
        while (!parked.empty() && send_locked(parked.front()))
          parked.pop_front();
        waiting = parked.size() + static_cast<size_t>(rd_kafka_outq_len(h->get()));
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      if (waiting == 0 || left.count() <= 0)
        break;
      // Sends at once (linger ignored) and serves delivery reports.
      rd_kafka_flush(h->get(), static_cast<int>(std::min<int64_t>(left.count(), 100)));
    }
    if (waiting > 0)
      ctx->log(log_level::warning, std::to_string(waiting) +
                                     " message(s) still undelivered at the stop (brokers unreachable?)");
  }

  bool open(std::string& err) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rdkafka_options options = {
      {"bootstrap.servers", cfg.bootstrap},
      {"client.id", "temblor-" + cfg.alias},
    };
    options.insert(options.end(), cfg.options.begin(), cfg.options.end());
    if (!apply_options(conf, options, err)) {
      rd_kafka_conf_destroy(conf);
      return false;
    }
    client_callbacks<producer_core>::install(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, &producer_core::on_delivery);
    auto h = kafka_handle::create(RD_KAFKA_PRODUCER, conf, err);
    if (!h)
      return false;
    rd_kafka_queue_cb_event_enable(h->main_queue(), &producer_core::on_wake, this);
    std::lock_guard<std::mutex> guard(mutex);
    handle = std::move(h);
    return true;
  }

  /// Waits (bounded) for what is queued, fails what is left, drops the client.
  void close() {
    std::shared_ptr<kafka_handle> h;
    std::deque<parked_message> left;
    {
      std::lock_guard<std::mutex> guard(mutex);
      h = std::move(handle);
      left.swap(parked);
    }
    for (auto& p : left) {
      rd_kafka_message_t failed{};
      failed.err = RD_KAFKA_RESP_ERR__PURGE_QUEUE;
      failed._private = p.owner;
      delivered(&failed);
    }
    if (!h)
      return;
    rd_kafka_flush(h->get(), flush_timeout_ms);
    rd_kafka_purge(h->get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(h->get(), 0);
  }

  producer_settings cfg;
  std::shared_ptr<connector_context> ctx;
  asio::io_context* io = nullptr;
  io::blocking_pool* blocking = nullptr;
  std::shared_ptr<asio::steady_timer> timer;
  std::atomic<uint64_t>& delivery_failures;
  std::atomic<uint64_t>& queue_full;
  std::vector<std::string> frames; ///< actor thread only
  /// Transactional events whose delivery reports are still to come.
  std::atomic<size_t> transactional_pending{0};
  std::atomic<bool> poll_posted{false};
  std::atomic<bool> stopped{false};
  std::atomic<bool> timer_running{false};

  std::mutex mutex; ///< guards what follows
  std::shared_ptr<kafka_handle> handle;
  std::deque<parked_message> parked;
  bool breaker_tripped = false;
};

class kafka_producer final : public connector {
public:
  kafka_producer(producer_settings cfg, std::shared_ptr<connector_context> ctx)
    : core_(std::make_shared<producer_core>(std::move(cfg), std::move(ctx))) {}
  ~kafka_producer() override { stop(); }

  connector_ports ports() const override { return sink_ports(); }

  void start(const start_args& args) override {
    core_->io = &args.services.io->next();
    core_->blocking = args.services.blocking;
    core_->timer = std::make_shared<asio::steady_timer>(*core_->io);
  }

  void connect() override { connect_client(core_); }

  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    return core_->write(ev, ser);
  }

  /// A graceful stop waits for the delivery reports of transactional events.
  size_t writes_in_flight() const override {
    return core_->transactional_pending.load(std::memory_order_relaxed);
  }
  void finish(serializer& ser) override { core_->finish(ser); }

  void stop() override {
    if (core_->stopped)
      return;
    core_->close();
    core_->stopped = true;
    if (core_->timer)
      asio::post(*core_->io, [timer = core_->timer] { timer->cancel(); });
  }

private:
  std::shared_ptr<producer_core> core_;
};

std::unique_ptr<connector> make_kafka_producer(const connector_args& args, std::string& err) {
  producer_settings cfg;
  cfg.alias = args.alias;
  if (!read_brokers(args.config, cfg.bootstrap, err))
    return nullptr;
  cfg.topic = args.config.get("topic")->as_string();
  if (cfg.topic.empty()) {
    err = "`config.topic` must not be empty";
    return nullptr;
  }
  if (const value* key = args.config.get("key"))
    cfg.key = *key;
  if (!read_rdkafka_options(*args.config.get("rdkafka_options"), "config.rdkafka_options",
                            cfg.options, err))
    return nullptr;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  bool ok = apply_options(conf, cfg.options, err);
  rd_kafka_conf_destroy(conf);
  if (!ok) {
    err = "`config.rdkafka_options`: " + err;
    return nullptr;
  }
  return std::make_unique<kafka_producer>(std::move(cfg), args.context);
}

} // namespace

const connector_descriptor& kafka_producer_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "kafka_producer";
    d.summary = "writes events to a Kafka topic; acked when the broker acknowledged the delivery; `$kafka_producer` = {key, headers, timestamp, partition}";
    d.config = {
      required_key("brokers", value_types::array, "Bootstrap brokers, `host` or `host:port` (port 9092 by default)."),
      required_key("topic", value_types::string, "The topic every event is written to."),
      optional_key("key", value_types::string, value{}, "Message key for every event; `$kafka_producer.key` overrides it."),
      optional_key("rdkafka_options", value_types::record, record{}, "librdkafka producer properties (e.g. `queue.buffering.max.messages`, `acks`, `linger.ms`); its queue bound back-pressures the pipeline through the circuit breaker."),
    };
    d.make = &make_kafka_producer;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::kafka
