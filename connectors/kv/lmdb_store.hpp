#pragma once

// A thin owner of one LMDB environment with one unnamed database, for the
// connectors that keep state on disk (kv, wal). LMDB is the embedded store:
// copy-on-write B-tree in a memory map, one writer at a time, every commit
// synced to disk before it returns (no MDB_NOSYNC), so a committed write
// survives kill -9 and power loss; the map size bounds the file.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

struct MDB_env;
struct MDB_txn;

namespace temblor::connectors::kv {

class lmdb_store {
public:
  lmdb_store() = default;
  ~lmdb_store();
  lmdb_store(const lmdb_store&) = delete;
  lmdb_store& operator=(const lmdb_store&) = delete;

  /// Opens (creating) the store in directory `dir`, its file at most
  /// `map_size` bytes. False with `err`.
  bool open(const std::string& dir, size_t map_size, std::string& err);
  bool is_open() const { return env_ != nullptr; }

  /// A transaction; aborted at scope end unless committed.
  class txn {
  public:
    txn(lmdb_store& store, bool write);
    ~txn();
    txn(const txn&) = delete;
    txn& operator=(const txn&) = delete;

    bool ok() const { return txn_ != nullptr; }
    /// Returns the error of the last failed call (or of begin).
    const std::string& error() const { return err_; }
    /// False when absent (`out` untouched) or on error.
    bool get(std::string_view key, std::string& out);
    /// `append`: the key sorts after every key stored (a log's next entry),
    /// so pages are filled instead of split in half.
    bool put(std::string_view key, std::string_view val, bool append = false);
    /// True when something was deleted.
    bool del(std::string_view key);
    /// Visits keys in [from, to) in order (`to` empty: to the end) until
    /// `visit` returns false.
    bool scan(std::string_view from, std::string_view to,
              const std::function<bool(std::string_view key, std::string_view val)>& visit);
    /// Bytes of the pages the database's tree occupies now (what a log that
    /// deletes out of order really holds, half-empty pages included).
    size_t tree_bytes();
    /// Commits (and syncs); false with error() when the map is full, say.
    bool commit();
    /// Whether the last failure was a full map.
    bool full() const { return full_; }

  private:
    lmdb_store& store_;
    MDB_txn* txn_ = nullptr;
    std::string err_;
    bool full_ = false;
  };

private:
  MDB_env* env_ = nullptr;
  unsigned dbi_ = 0;
};

/// Big-endian u64 keys sort in numeric order.
std::string u64_key(uint64_t n);
uint64_t u64_of_key(std::string_view key);

} // namespace temblor::connectors::kv
