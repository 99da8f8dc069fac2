// The wal connector's contraflow: replayed entries travel on one stream with
// their sequence numbers as pull ids; an ack covers every entry up to it, a
// fail replays from the failed entry on a new stream, also when a later ack
// covered it a moment before (another sink's).

#include <doctest/doctest.h>

#include <algorithm>

#include "connectors/wal/wal.hpp"
#include "tests/connectors/ws/test_support.hpp"

namespace temblor::connectors {

namespace {

using namespace ws::testing;

struct replayed_entry {
  uint64_t stream;
  uint64_t pull_id;
  std::string payload;
};

/// Records what the wal replays (with pull ids) and the acks it sends
/// upstream.
class wal_context : public fake_context {
public:
  void ack(const event_id& id) override {
    std::lock_guard<std::mutex> g(mtx);
    upstream_acks.push_back(id.origins().front().max_pull);
    cv.notify_all();
  }
  void receive_value_as(uint64_t stream, uint64_t pull_id, value payload, value) override {
    std::lock_guard<std::mutex> g(mtx);
    replayed.push_back({stream, pull_id, payload.as_string()});
    cv.notify_all();
  }

  std::vector<uint64_t> upstream_acks;
  std::vector<replayed_entry> replayed;
};

} // namespace

TEST_CASE("wal: one stream with entry numbers as pull ids, acks cover entries up to theirs, fails replay from theirs") {
  temp_dir dir;
  record cfg;
  cfg.set("path", dir.file("log"));
  cfg.set("chunk_size", uint64_t{4096});
  cfg.set("max_chunks", uint64_t{64});
  auto ctx = std::make_shared<wal_context>();
  std::string err;
  auto wal = make_connector(wal_descriptor(), value{std::move(cfg)}, ctx, 1, err);
  REQUIRE(wal);
  wal->start(test_start());
  wal->connect();
  REQUIRE(ctx->wait_connect_outcome());
  echo_serializer ser;
  for (uint64_t i = 0; i < 5; ++i) {
    event ev = make_event(9, 0, std::string(1, static_cast<char>('a' + i)), value{record{}});
    ev.id = event_id{9, 0, i};
    ev.transactional = true;
    CHECK(wal->write("in", ev, ser) == sink_outcome::pending);
  }
  wal->flush();
  // Acked upstream once on disk.
  REQUIRE(ctx->wait([&] { return ctx->upstream_acks.size() == 5; }));
  wal->resume();
  REQUIRE(ctx->wait([&] { return ctx->replayed.size() == 5; }));
  uint64_t first = 0;
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    first = ctx->replayed[0].stream;
    for (uint64_t i = 0; i < 5; ++i) {
      CHECK(ctx->replayed[i].stream == first);
      CHECK(ctx->replayed[i].pull_id == i);
    }
  }
  // 0 and 1 acked by one ack (a batch's), 3 failed: 3 and 4 come again on a
  // new stream; 2 stays in flight on the first one.
  wal->ack(first, 1);
  wal->fail(first, 3);
  REQUIRE(ctx->wait([&] { return ctx->replayed.size() == 7; }));
  uint64_t second = 0;
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    second = ctx->replayed[5].stream;
    CHECK(second != first);
    CHECK(ctx->replayed[5].pull_id == 3);
    CHECK(ctx->replayed[5].payload == "d");
    CHECK(ctx->replayed[6].pull_id == 4);
    CHECK(std::count(ctx->finished.begin(), ctx->finished.end(), first) == 0);
  }
  // The old 4's ack counts only below the rewind point: it covers 2, and the
  // first stream carries nothing more, so it ends.
  wal->ack(first, 4);
  REQUIRE(ctx->wait([&] {
    return std::count(ctx->finished.begin(), ctx->finished.end(), first) == 1;
  }));
  // One sink acks 4 (covering 3), another fails 3 just after: still honoured.
  wal->ack(second, 4);
  wal->fail(second, 3);
  REQUIRE(ctx->wait([&] { return ctx->replayed.size() == 9; }));
  {
    std::lock_guard<std::mutex> g(ctx->mtx);
    CHECK(ctx->replayed[7].stream != second);
    CHECK(ctx->replayed[7].pull_id == 3);
    CHECK(ctx->replayed[8].pull_id == 4);
  }
  CHECK(ctx->counters["retries"] == 2);
  CHECK(ctx->counters["late_fails"] == 0);
  wal->stop();
}

} // namespace temblor::connectors
