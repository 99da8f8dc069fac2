#pragma once

// The wal connector's log on disk: numbered entries (an event's payload and
// meta as JSON) in LMDB. New entries and the deletion of acknowledged ones
// go in one transaction, synced before commit() returns, so what commit()
// reported survives kill -9; after a restart every entry still held is read
// again from the lowest one (LMDB's own pages are crash-safe; an entry whose
// bytes do not decode is reported and skipped, never replayed half).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/kv/lmdb_store.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors {

class wal_log {
public:
  /// An entry as stored.
  static std::string encode(const value& payload, const value& meta);
  static bool decode(std::string_view entry, value& payload, value& meta, std::string& err);

  /// Opens (creating) the log in `dir`, its file at most `capacity` bytes,
  /// and counts what it holds. False with `err`.
  bool open(const std::string& dir, size_t capacity, std::string& err);

  struct outcome {
    bool ok = false;
    bool full = false; ///< the map had no room (nothing of it happened)
    std::string error;
  };
  /// In one transaction: forgets `forget` (entries not held are skipped) and
  /// appends `append` (numbers above every entry held, ascending).
  outcome commit(const std::vector<uint64_t>& forget,
                 const std::vector<std::pair<uint64_t, std::string_view>>& append);

  using visitor = std::function<bool(uint64_t seq, value payload, value meta)>;
  using reporter = std::function<void(uint64_t seq, const std::string& err)>;
  /// Visits the entries held from `from` on, in order, until `visit` returns
  /// false; an entry that does not decode goes to `unreadable` and is
  /// skipped. False with `err` when the log cannot be read.
  bool read(uint64_t from, const visitor& visit, const reporter& unreadable, std::string& err);

  /// The lowest entry held when opened (where a replay starts), and the
  /// number after the highest (where appending goes on).
  uint64_t first_seq() const { return first_seq_; }
  uint64_t next_seq() const { return next_seq_; }
  size_t entries() const { return entries_; }
  /// Bytes of the pages LMDB's tree occupies (out-of-order deletions leave
  /// half-empty pages), as of the last commit.
  size_t tree_bytes() const { return tree_bytes_; }

private:
  kv::lmdb_store store_;
  uint64_t first_seq_ = 0;
  uint64_t next_seq_ = 0;
  size_t entries_ = 0;
  size_t tree_bytes_ = 0;
};

} // namespace temblor::connectors
