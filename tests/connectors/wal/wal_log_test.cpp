// The wal's log on disk (wal_log): appends, deletions of acknowledged
// entries, what a restart after kill -9 replays, a corrupt entry, a full map.

#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "connectors/wal/wal_log.hpp"
#include "tests/connectors/ws/test_support.hpp"

namespace temblor::connectors {

namespace {

using ws::testing::temp_dir;

constexpr size_t capacity = 1 << 20;

std::string entry(const std::string& payload) {
  record meta;
  meta.set("n", payload);
  return wal_log::encode(value{payload}, value{std::move(meta)});
}

/// Appends entries `seqs` (payload "e<seq>") in one commit.
wal_log::outcome append(wal_log& log, const std::vector<uint64_t>& seqs,
                        const std::vector<uint64_t>& forget = {}) {
  std::vector<std::string> entries;
  for (auto seq : seqs)
    entries.push_back(entry("e" + std::to_string(seq)));
  std::vector<std::pair<uint64_t, std::string_view>> batch;
  for (size_t i = 0; i < seqs.size(); ++i)
    batch.emplace_back(seqs[i], entries[i]);
  return log.commit(forget, batch);
}

struct replayed {
  std::vector<uint64_t> seqs;
  std::vector<std::string> payloads;
  std::vector<uint64_t> unreadable;
};

replayed read_all(wal_log& log, uint64_t from = 0) {
  replayed r;
  std::string err;
  bool ok = log.read(
    from,
    [&](uint64_t seq, value payload, value meta) {
      r.seqs.push_back(seq);
      r.payloads.push_back(payload.as_string());
      CHECK(meta.get("n")->as_string() == payload.as_string());
      return true;
    },
    [&](uint64_t seq, const std::string&) { r.unreadable.push_back(seq); }, err);
  CHECK(ok);
  return r;
}

} // namespace

TEST_CASE("wal_log: appended entries are read back in order with their meta") {
  temp_dir dir;
  wal_log log;
  std::string err;
  REQUIRE(log.open(dir.path(), capacity, err));
  CHECK(log.entries() == 0);
  CHECK(log.next_seq() == 0);
  REQUIRE(append(log, {0, 1, 2}).ok);
  CHECK(log.entries() == 3);
  CHECK(log.next_seq() == 3);
  auto r = read_all(log);
  CHECK(r.seqs == std::vector<uint64_t>{0, 1, 2});
  CHECK(r.payloads == std::vector<std::string>{"e0", "e1", "e2"});
  CHECK(read_all(log, 2).seqs == std::vector<uint64_t>{2});
  // A reader may stop early.
  int visited = 0;
  REQUIRE(log.read(0, [&](uint64_t, value, value) { return ++visited < 2; },
                   [](uint64_t, const std::string&) {}, err));
  CHECK(visited == 2);
}

TEST_CASE("wal_log: acknowledged entries go in the same commit as new ones") {
  temp_dir dir;
  wal_log log;
  std::string err;
  REQUIRE(log.open(dir.path(), capacity, err));
  REQUIRE(append(log, {0, 1, 2, 3}).ok);
  // 0 and 2 acknowledged (out of order), 4 and 5 arrive: one transaction.
  REQUIRE(append(log, {4, 5}, {0, 2}).ok);
  CHECK(log.entries() == 4);
  CHECK(read_all(log).seqs == std::vector<uint64_t>{1, 3, 4, 5});
  // Forgetting what is not held is no error.
  REQUIRE(log.commit({0, 1, 99}, {}).ok);
  CHECK(log.entries() == 3);
  CHECK(read_all(log).seqs == std::vector<uint64_t>{3, 4, 5});
}

TEST_CASE("wal_log: after kill -9 a reopened log replays exactly the unacknowledged entries") {
  temp_dir dir;
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The writer: 0..9 committed, 0..5 acknowledged, then killed without
    // closing anything.
    wal_log log;
    std::string err;
    if (!log.open(dir.path(), capacity, err) || !append(log, {0, 1, 2, 3, 4}).ok ||
        !append(log, {5, 6, 7, 8, 9}, {0, 1, 2}).ok || !log.commit({3, 4, 5}, {}).ok)
      _exit(1);
    raise(SIGKILL);
    _exit(2);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  wal_log log;
  std::string err;
  REQUIRE(log.open(dir.path(), capacity, err));
  CHECK(log.entries() == 4);
  CHECK(log.first_seq() == 6); // where the replay starts
  CHECK(log.next_seq() == 10); // where appending goes on
  auto r = read_all(log, log.first_seq());
  CHECK(r.seqs == std::vector<uint64_t>{6, 7, 8, 9});
  CHECK(r.payloads == std::vector<std::string>{"e6", "e7", "e8", "e9"});
  REQUIRE(append(log, {10}).ok);
  CHECK(read_all(log).seqs.back() == 10);
}

TEST_CASE("wal_log: a corrupt entry is reported and skipped, the others replay") {
  temp_dir dir;
  {
    wal_log log;
    std::string err;
    REQUIRE(log.open(dir.path(), capacity, err));
    REQUIRE(append(log, {0, 1}).ok);
    std::string last = wal_log::encode(value{"TAILMARKER"}, value{record{}});
    REQUIRE(log.commit({}, {{2, last}}).ok);
  }
  // Damage the last entry's bytes on disk (every copy LMDB's pages hold),
  // and leave junk past the file's last page, as a torn write would.
  std::string file = dir.file("data.mdb");
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  size_t hits = 0;
  for (size_t at = bytes.find("\"TAILMARKER\""); at != std::string::npos;
       at = bytes.find("\"TAILMARKER\"", at + 1), ++hits)
    bytes[at] = '{';
  REQUIRE(hits > 0);
  bytes += std::string(100, '\x5a');
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  wal_log log;
  std::string err;
  REQUIRE(log.open(dir.path(), capacity, err));
  CHECK(log.entries() == 3);
  auto r = read_all(log);
  CHECK(r.seqs == std::vector<uint64_t>{0, 1});
  CHECK(r.unreadable == std::vector<uint64_t>{2});
  value payload, meta;
  CHECK_FALSE(wal_log::decode("no separator", payload, meta, err));
  CHECK(err == "entry without meta");
}

TEST_CASE("wal_log: a commit that does not fit reports a full map and changes nothing") {
  temp_dir dir;
  wal_log log;
  std::string err;
  REQUIRE(log.open(dir.path(), 16 * 4096, err));
  REQUIRE(append(log, {0}).ok);
  std::string huge = wal_log::encode(value{std::string(200 * 1024, 'x')}, value{record{}});
  auto result = log.commit({0}, {{1, huge}});
  CHECK_FALSE(result.ok);
  CHECK(result.full);
  CHECK_FALSE(result.error.empty());
  // Neither the deletion nor the append happened.
  CHECK(log.entries() == 1);
  CHECK(read_all(log).seqs == std::vector<uint64_t>{0});
}

} // namespace temblor::connectors
