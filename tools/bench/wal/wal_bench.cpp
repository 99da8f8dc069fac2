// The wal connector's disk path against a plain file with the same fsync
// cadence: N events (~200 B each) in batches of B; the log puts a batch in
// one LMDB transaction (appended keys, synced at commit) that also deletes
// the previous batch (acked), as the wal's writer does; the peer writes the
// batch to a file and fdatasync()s it.
//   wal_bench lmdb|file DIR [EVENTS] [BATCH]   prints events/s and MB/s

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "connectors/kv/lmdb_store.hpp"

using temblor::connectors::kv::lmdb_store;
using temblor::connectors::kv::u64_key;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: wal_bench lmdb|file DIR [EVENTS] [BATCH]\n");
    return 2;
  }
  std::string mode = argv[1], dir = argv[2];
  size_t n = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 200000;
  size_t batch = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 256;
  std::string pad(170, 'z');
  std::vector<std::string> events;
  size_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    events.push_back("{\"i\":" + std::to_string(i) + ",\"pad\":\"" + pad + "\"}");
    bytes += events.back().size();
  }
  auto start = std::chrono::steady_clock::now();
  if (mode == "lmdb") {
    lmdb_store store;
    std::string err;
    if (!store.open(dir, size_t{1} << 30, err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      return 1;
    }
    for (size_t first = 0; first < n; first += batch) {
      size_t end = std::min(n, first + batch);
      lmdb_store::txn t(store, true);
      for (size_t i = first >= batch ? first - batch : first; i < first; ++i)
        t.del(u64_key(i));
      for (size_t i = first; i < end; ++i)
        t.put(u64_key(i), events[i], true);
      if (!t.commit()) {
        std::fprintf(stderr, "commit: %s\n", t.error().c_str());
        return 1;
      }
    }
  } else {
    int fd = ::open((dir + "/plain.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string buf;
    for (size_t first = 0; first < n; first += batch) {
      size_t end = std::min(n, first + batch);
      buf.clear();
      for (size_t i = first; i < end; ++i) {
        buf += events[i];
        buf += '\n';
      }
      if (::write(fd, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size()) || ::fdatasync(fd) != 0) {
        std::perror("write");
        return 1;
      }
    }
    ::close(fd);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s %.0f events/s %.1f MB/s\n", mode.c_str(), n / secs, bytes / secs / 1e6);
  return 0;
}
