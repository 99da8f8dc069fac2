// kafka_consumer and kafka_producer against librdkafka's mock cluster (3
// brokers on loopback, started in this process), and the plain classes
// behind them.

#include <doctest/doctest.h>

#include <algorithm>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "connectors/kafka/kafka_consumer.hpp"
#include "connectors/kafka/kafka_options.hpp"
#include "connectors/kafka/kafka_producer.hpp"
#include "connectors/kafka/offset_tracker.hpp"
#include "tests/connectors/ws/test_support.hpp"

namespace temblor::connectors::kafka {

namespace {

using namespace ws::testing;

/// Records acks and fails of events, and the pull ids a source chose, which
/// fake_context ignores.
class delivery_context : public fake_context {
public:
  void ack(const event_id& id) override { record(id, acked); }
  void fail(const event_id& id) override { record(id, failed); }
  void receive_bytes_as(uint64_t stream, uint64_t pull_id, std::string data, value meta) override {
    {
      std::lock_guard<std::mutex> g(mtx);
      pull_ids.push_back(pull_id);
    }
    receive_bytes(stream, std::move(data), std::move(meta));
  }

  std::vector<uint64_t> acked, failed; ///< pull ids
  std::vector<uint64_t> pull_ids;      ///< of received frames, in order

private:
  void record(const event_id& id, std::vector<uint64_t>& into) {
    std::lock_guard<std::mutex> g(mtx);
    into.push_back(id.origins().front().max_pull);
    cv.notify_all();
  }
};

/// A mock cluster of three brokers with `topic` (`partitions` partitions).
struct mock_cluster {
  mock_cluster(const std::string& topic, int partitions) {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    cluster = rd_kafka_mock_cluster_new(rk, 3);
    rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, 3);
    bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  }
  ~mock_cluster() {
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(rk);
  }

  /// Produces `payloads` to `partition` and waits for the broker's acks.
  void produce(const std::string& topic, int32_t partition, const std::vector<std::string>& payloads) {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
    rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    for (const auto& payload : payloads)
      rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                        RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    rd_kafka_flush(p, 10000);
    rd_kafka_destroy(p);
  }

  /// Returns the offset `group` committed for `topic`/`partition` (-1001: none).
  int64_t committed(const std::string& group, const std::string& topic, int32_t partition) {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "group.id", group.c_str(), errstr, sizeof errstr);
    rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
    rd_kafka_committed(c, list, 10000);
    int64_t offset = list->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(c);
    return offset;
  }

  /// Reads `topic`/`partition` from the start with kcat, one line per
  /// message: `key|headers|payload`.
  std::vector<std::string> kcat_read(const std::string& topic, int32_t partition) {
    child_process kcat({"kcat", "-C", "-b", bootstrap, "-t", topic, "-p", std::to_string(partition),
                        "-o", "beginning", "-e", "-q", "-f", "%k|%h|%s\\n"});
    std::vector<std::string> lines;
    for (std::string line; kcat.read_line(line, 20s);)
      lines.push_back(line);
    kcat.wait();
    return lines;
  }

  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string bootstrap;
};

value brokers_of(const mock_cluster& m) {
  array list;
  size_t start = 0;
  while (start <= m.bootstrap.size()) {
    size_t comma = m.bootstrap.find(',', start);
    if (comma == std::string::npos)
      comma = m.bootstrap.size();
    list.push_back(value{m.bootstrap.substr(start, comma - start)});
    start = comma + 1;
  }
  return value{std::move(list)};
}

value consumer_config(const mock_cluster& m, const std::string& topic, const std::string& group,
                      value mode) {
  record cfg;
  cfg.set("brokers", brokers_of(m));
  array topics;
  topics.push_back(value{topic});
  cfg.set("topics", value{std::move(topics)});
  cfg.set("group_id", group);
  cfg.set("mode", std::move(mode));
  return value{std::move(cfg)};
}

value transactional_mode() {
  record t;
  t.set("commit_interval", uint64_t{0});
  record mode;
  mode.set("transactional", value{std::move(t)});
  return value{std::move(mode)};
}

int64_t meta_int(const value& meta, const char* key) {
  int64_t n = -1;
  meta.get("kafka_consumer")->get(key)->get_i64(n);
  return n;
}

} // namespace

TEST_CASE("offset_tracker: an ack covers every entry up to it, a fail reads again from it") {
  offset_tracker t(1);
  CHECK(t.committable() == -1);
  for (int64_t o = 10; o < 15; ++o)
    CHECK(t.emitted(o));
  CHECK_FALSE(t.emitted(12)); // out of order
  CHECK(t.committable() == 10);
  std::vector<int64_t> done;
  CHECK(t.ack(1, 11, &done) == 2); // a batch of 10 and 11 names 11
  CHECK(done == std::vector<int64_t>{10, 11});
  CHECK(t.committable() == 12);
  CHECK(t.ack(1, 11) == 0); // stale
  CHECK(t.ack(7, 14) == 0); // not a stream of this log

  // 12 fails: 12.. come again on stream 2; stream 1's acks count below 12.
  CHECK(t.rewind(1, 12, 2));
  CHECK(t.stream() == 2);
  CHECK(t.in_flight() == 0);
  CHECK(t.committable() == 12);
  CHECK(t.ack(1, 14) == 0); // an ack of the old 14 covers nothing sent again
  CHECK_FALSE(t.emitted(14)); // fetched before the seek took effect
  CHECK(t.emitted(12));
  CHECK(t.emitted(13));
  CHECK(t.take_finished() == std::vector<uint64_t>{1}); // nothing in flight on it
  CHECK(t.ack(2, 12) == 1);
  CHECK(t.committable() == 13);
  CHECK_FALSE(t.rewind(2, 20, 3)); // never sent
  CHECK_FALSE(t.rewind(1, 13, 3)); // a stream no longer ours

  // A rewind below entries still in flight on an older stream: their acks
  // count only below the new rewind point.
  CHECK(t.emitted(14));
  CHECK(t.rewind(2, 14, 3));
  CHECK(t.emitted(14));
  CHECK(t.ack(2, 14) == 1); // 13 (stream 2), not the 14 sent again
  CHECK(t.committable() == 14);
  CHECK(t.take_finished() == std::vector<uint64_t>{2});
  CHECK(t.ack(3, 14) == 1);
  CHECK(t.committable() == 15);

  t.restart(4);
  CHECK(t.stream() == 4);
  CHECK(t.committable() == -1);
  CHECK(t.take_finished() == std::vector<uint64_t>{3});
  CHECK(t.emitted(3)); // a new assignment starts anywhere
}

TEST_CASE("kafka options: Tremor's modes and their validation") {
  consumer_mode mode;
  std::string err;
  REQUIRE(read_consumer_mode(value{"performance"}, mode, err));
  CHECK_FALSE(mode.transactional);
  CHECK(option_value(mode.options, "enable.auto.offset.store") == "true");

  REQUIRE(read_consumer_mode(transactional_mode(), mode, err));
  CHECK(mode.transactional);
  CHECK(mode.retry_failed_events);
  CHECK(mode.commit_on_ack);
  CHECK(option_value(mode.options, "enable.auto.commit") == "false");

  record t;
  t.set("commit_interval", uint64_t{250'000'000});
  record tm;
  tm.set("transactional", value{std::move(t)});
  REQUIRE(read_consumer_mode(value{std::move(tm)}, mode, err));
  CHECK_FALSE(mode.commit_on_ack);
  CHECK(option_value(mode.options, "auto.commit.interval.ms") == "250");
  CHECK(option_value(mode.options, "enable.auto.offset.store") == "false");

  record opts;
  opts.set("fetch.min.bytes", 10);
  record custom;
  custom.set("rdkafka_options", value{std::move(opts)});
  custom.set("retry_failed_events", false);
  record cm;
  cm.set("custom", value{std::move(custom)});
  REQUIRE(read_consumer_mode(value{std::move(cm)}, mode, err));
  CHECK_FALSE(mode.transactional);
  CHECK(option_value(mode.options, "fetch.min.bytes") == "10");

  CHECK_FALSE(read_consumer_mode(value{"fast"}, mode, err));
  CHECK(err.find("config.mode") != std::string::npos);
  record bad;
  bad.set("commit_intervall", 5);
  record bm;
  bm.set("transactional", value{std::move(bad)});
  CHECK_FALSE(read_consumer_mode(value{std::move(bm)}, mode, err));
  CHECK(err.find("commit_intervall") != std::string::npos);

  std::string bootstrap;
  record cfg;
  array brokers;
  brokers.push_back(value{"kafka1"});
  brokers.push_back(value{"kafka2:19092"});
  cfg.set("brokers", value{std::move(brokers)});
  REQUIRE(read_brokers(value{std::move(cfg)}, bootstrap, err));
  CHECK(bootstrap == "kafka1:9092,kafka2:19092");
  record badcfg;
  array badbrokers;
  badbrokers.push_back(value{"kafka1:http"});
  badcfg.set("brokers", value{std::move(badbrokers)});
  CHECK_FALSE(read_brokers(value{std::move(badcfg)}, bootstrap, err));
  CHECK(err.find("kafka1:http") != std::string::npos);
}

TEST_CASE("kafka_consumer: a bad librdkafka property is refused at load time, naming it") {
  mock_cluster m("t", 1);
  record opts;
  opts.set("fetch.min.bytez", 1);
  record custom;
  custom.set("rdkafka_options", value{std::move(opts)});
  record mode;
  mode.set("custom", value{std::move(custom)});
  auto ctx = std::make_shared<delivery_context>();
  std::string err;
  auto c = make_connector(kafka_consumer_descriptor(), consumer_config(m, "t", "g", value{std::move(mode)}), ctx, 1, err);
  CHECK(c == nullptr);
  CHECK(err.find("fetch.min.bytez") != std::string::npos);
}

TEST_CASE("kafka_consumer: transactional mode commits only acked offsets and rewinds on fail") {
  mock_cluster m("tx", 1);
  std::vector<std::string> payloads;
  for (int i = 0; i < 10; ++i)
    payloads.push_back("{\"i\":" + std::to_string(i) + "}");
  m.produce("tx", 0, payloads);

  auto ctx = std::make_shared<delivery_context>();
  std::string err;
  auto c = make_connector(kafka_consumer_descriptor(), consumer_config(m, "tx", "g1", transactional_mode()), ctx, 1, err);
  REQUIRE(c);
  CHECK(c->transactional());
  c->start(test_start());
  c->connect();
  REQUIRE(ctx->wait_connect_outcome());
  c->resume();
  REQUIRE(ctx->wait([&] { return ctx->frames.size() >= 10; }, 20s));
  uint64_t stream = 0;
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    stream = ctx->frames[0].stream;
    for (size_t i = 0; i < 10; ++i) {
      CHECK(ctx->frames[i].data == payloads[i]);
      CHECK(meta_int(ctx->frames[i].meta, "offset") == static_cast<int64_t>(i));
      CHECK(meta_int(ctx->frames[i].meta, "partition") == 0);
      CHECK(ctx->frames[i].meta.get("kafka_consumer")->get("topic")->as_string() == "tx");
      // One stream for the partition; the pull id is the offset.
      CHECK(ctx->frames[i].stream == stream);
      CHECK(ctx->pull_ids[i] == i);
    }
    CHECK(std::count(ctx->finished.begin(), ctx->finished.end(), stream) == 0);
  }
  // Offsets 0..3 acked (a batch's ack names its last), 4 failed: the
  // partition rewinds to 4 and 4.. come again on a new stream; the commit
  // stays at 4.
  c->ack(stream, 3);
  c->fail(stream, 4);
  REQUIRE(ctx->wait([&] { return ctx->frames.size() >= 16; }, 20s));
  uint64_t again = 0;
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    again = ctx->frames[10].stream;
    CHECK(again != stream);
    CHECK(meta_int(ctx->frames[10].meta, "offset") == 4);
    CHECK(ctx->pull_ids[10] == 4);
    CHECK(meta_int(ctx->frames[15].meta, "offset") == 9);
    CHECK(ctx->pull_ids[15] == 9);
    // The old stream carries nothing in flight any more: ended.
    CHECK(std::count(ctx->finished.begin(), ctx->finished.end(), stream) == 1);
    CHECK(std::count(ctx->finished.begin(), ctx->finished.end(), again) == 0);
  }
  CHECK(ctx->counters["rewinds"] == 1);
  // An ack of the old 9 (sent before the rewind) covers none of the new ones.
  c->ack(stream, 9);
  CHECK(ctx->counters["stale_acks"] == 1);
  bool committed_4 = false;
  for (int tries = 0; tries < 50 && !committed_4; ++tries) {
    committed_4 = m.committed("g1", "tx", 0) == 4;
    if (!committed_4)
      std::this_thread::sleep_for(100ms); // polls the broker's state with a deadline
  }
  CHECK(committed_4);
  // The redelivered ones acked: the commit moves to the end.
  c->ack(again, 9);
  bool committed_10 = false;
  for (int tries = 0; tries < 50 && !committed_10; ++tries) {
    committed_10 = m.committed("g1", "tx", 0) == 10;
    if (!committed_10)
      std::this_thread::sleep_for(100ms);
  }
  CHECK(committed_10);
  c->stop();
}

TEST_CASE("kafka_consumer: pause() stops fetching and resume() goes on where it stopped") {
  mock_cluster m("pz", 1);
  auto ctx = std::make_shared<delivery_context>();
  std::string err;
  auto c = make_connector(kafka_consumer_descriptor(), consumer_config(m, "pz", "g2", value{"performance"}), ctx, 1, err);
  REQUIRE(c);
  CHECK_FALSE(c->transactional());
  c->start(test_start());
  c->connect();
  REQUIRE(ctx->wait_connect_outcome());
  m.produce("pz", 0, {"1", "2"});
  // Nothing before the first resume(), not even fetched.
  CHECK_FALSE(ctx->wait([&] { return !ctx->frames.empty(); }, 1500ms));
  CHECK(ctx->counters["fetched_while_paused"] == 0);
  c->resume();
  REQUIRE(ctx->wait([&] { return ctx->frames.size() >= 2; }, 20s));
  c->pause();
  m.produce("pz", 0, {"3", "4"});
  CHECK_FALSE(ctx->wait([&] { return ctx->frames.size() > 2; }, 1500ms));
  // Fetching itself stopped: nothing came in to be held back.
  CHECK(ctx->counters["fetched_while_paused"] == 0);
  c->resume();
  REQUIRE(ctx->wait([&] { return ctx->frames.size() >= 4; }, 20s));
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    CHECK(ctx->frames[2].data == "3");
    CHECK(ctx->frames[3].data == "4");
  }
  c->stop();
}

TEST_CASE("kafka_producer: acks after the broker's delivery report, with key and headers") {
  mock_cluster m("out", 2);
  auto ctx = std::make_shared<delivery_context>();
  record cfg;
  cfg.set("brokers", brokers_of(m));
  cfg.set("topic", "out");
  cfg.set("key", "default-key");
  std::string err;
  auto p = make_connector(kafka_producer_descriptor(), value{std::move(cfg)}, ctx, 1, err);
  REQUIRE(p);
  p->start(test_start());
  p->connect();
  REQUIRE(ctx->wait_connect_outcome());
  echo_serializer ser;
  for (int i = 0; i < 5; ++i) {
    record km;
    km.set("partition", 1);
    if (i == 0) {
      km.set("key", "k0");
      record headers;
      headers.set("h", "v");
      km.set("headers", value{std::move(headers)});
    }
    record meta;
    meta.set("kafka_producer", value{std::move(km)});
    event ev = make_event(3, 0, "m" + std::to_string(i), value{std::move(meta)});
    ev.id = event_id{3, 0, static_cast<uint64_t>(i)};
    ev.transactional = true;
    CHECK(p->write("in", ev, ser) == sink_outcome::pending);
  }
  // An unknown partition is refused: failed, not lost.
  record km;
  km.set("partition", 7);
  record meta;
  meta.set("kafka_producer", value{std::move(km)});
  event bad = make_event(3, 0, "bad", value{std::move(meta)});
  bad.id = event_id{3, 0, 99};
  bad.transactional = true;
  p->write("in", bad, ser);
  REQUIRE(ctx->wait([&] { return ctx->acked.size() == 5 && ctx->failed.size() == 1; }, 20s));
  CHECK(ctx->failed[0] == 99);

  auto got = m.kcat_read("out", 1);
  REQUIRE(got.size() == 5);
  CHECK(got[0] == "k0|h=v|m0");
  CHECK(got[1] == "default-key||m1");
  p->stop();
}

TEST_CASE("kafka_producer: a full queue trips the circuit breaker, and it restores once delivered") {
  mock_cluster m("bp", 1);
  auto ctx = std::make_shared<delivery_context>();
  record opts;
  opts.set("queue.buffering.max.messages", 5);
  opts.set("linger.ms", 200);
  record cfg;
  cfg.set("brokers", brokers_of(m));
  cfg.set("topic", "bp");
  cfg.set("rdkafka_options", value{std::move(opts)});
  std::string err;
  auto p = make_connector(kafka_producer_descriptor(), value{std::move(cfg)}, ctx, 1, err);
  REQUIRE(p);
  p->start(test_start());
  p->connect();
  REQUIRE(ctx->wait_connect_outcome());
  echo_serializer ser;
  for (uint64_t i = 0; i < 20; ++i) {
    event ev = make_event(3, 0, "m" + std::to_string(i), value{});
    ev.id = event_id{3, 0, i};
    ev.transactional = true;
    p->write("in", ev, ser);
  }
  REQUIRE(ctx->wait([&] { return ctx->acked.size() == 20; }, 20s));
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    REQUIRE(ctx->breaker.size() >= 2);
    CHECK(ctx->breaker.front() == false);
    CHECK(ctx->breaker.back() == true);
    // Nothing was dropped and the order held.
    for (uint64_t i = 0; i < 20; ++i)
      CHECK(ctx->acked[i] == i);
  }
  CHECK(m.kcat_read("bp", 0).size() == 20);
  p->stop();
}

TEST_CASE("kafka_producer: transactional events are in flight until their delivery reports") {
  mock_cluster m("dr", 1);
  auto ctx = std::make_shared<delivery_context>();
  record opts;
  opts.set("message.timeout.ms", 60000);
  record cfg;
  cfg.set("brokers", brokers_of(m));
  cfg.set("topic", "dr");
  cfg.set("rdkafka_options", value{std::move(opts)});
  std::string err;
  auto p = make_connector(kafka_producer_descriptor(), value{std::move(cfg)}, ctx, 1, err);
  REQUIRE(p);
  p->start(test_start());
  p->connect();
  REQUIRE(ctx->wait_connect_outcome());
  CHECK(p->writes_in_flight() == 0);
  // No broker answers: the events stay in flight, neither acked nor failed.
  for (int32_t b = 1; b <= 3; ++b)
    rd_kafka_mock_broker_set_down(m.cluster, b);
  echo_serializer ser;
  for (uint64_t i = 0; i < 3; ++i) {
    event ev = make_event(3, 0, "m" + std::to_string(i), value{});
    ev.id = event_id{3, 0, i};
    ev.transactional = true;
    CHECK(p->write("in", ev, ser) == sink_outcome::pending);
  }
  event plain = make_event(3, 0, "plain", value{});
  CHECK(p->write("in", plain, ser) == sink_outcome::done);
  CHECK(p->writes_in_flight() == 3); // the plain one is not waited for
  CHECK_FALSE(ctx->wait([&] { return !ctx->acked.empty() || !ctx->failed.empty(); }, 1500ms));
  CHECK(p->writes_in_flight() == 3);
  // The brokers come back: each delivery report acks its event, and the
  // count is down before the ack arrives.
  for (int32_t b = 1; b <= 3; ++b)
    rd_kafka_mock_broker_set_up(m.cluster, b);
  REQUIRE(ctx->wait([&] { return ctx->acked.size() == 3; }, 20s));
  CHECK(p->writes_in_flight() == 0);
  CHECK(ctx->failed.empty());
  CHECK(m.kcat_read("dr", 0).size() == 4);
  p->stop();
}

TEST_CASE("kafka_producer: finish() delivers what librdkafka holds, and gives up after its bound") {
  mock_cluster m("fin", 1);
  auto ctx = std::make_shared<delivery_context>();
  record opts;
  opts.set("linger.ms", 60000); // librdkafka would hold the messages a minute
  record cfg;
  cfg.set("brokers", brokers_of(m));
  cfg.set("topic", "fin");
  cfg.set("rdkafka_options", value{std::move(opts)});
  std::string err;
  auto p = make_connector(kafka_producer_descriptor(), value{std::move(cfg)}, ctx, 1, err);
  REQUIRE(p);
  p->start(test_start());
  p->connect();
  REQUIRE(ctx->wait_connect_outcome());
  echo_serializer ser;
  for (int i = 0; i < 5; ++i)
    CHECK(p->write("in", make_event(3, 0, "m" + std::to_string(i), value{}), ser) == sink_outcome::done);
  auto started = std::chrono::steady_clock::now();
  p->finish(ser);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK(ser.finished == std::vector<uint64_t>{0}); // the stream's tail was asked for
  // On the broker before stop(), not a minute later.
  CHECK(m.kcat_read("fin", 0).size() == 5);

  // Brokers gone: finish() returns after its bound and says what is left.
  for (int32_t b = 1; b <= 3; ++b)
    rd_kafka_mock_broker_set_down(m.cluster, b);
  CHECK(p->write("in", make_event(3, 0, "late", value{}), ser) == sink_outcome::done);
  started = std::chrono::steady_clock::now();
  p->finish(ser);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took >= 2s);
  CHECK(took < 8s);
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    bool said = false;
    for (const auto& line : ctx->logs)
      said = said || line.find("1 message(s) still undelivered") != std::string::npos;
    CHECK(said);
  }
  p->stop();
}

} // namespace temblor::connectors::kafka
