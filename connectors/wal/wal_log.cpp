#include "connectors/wal/wal_log.hpp"

#include "codecs/json.hpp"

namespace temblor::connectors {

using kv::lmdb_store;

std::string wal_log::encode(const value& payload, const value& meta) {
  // The payload's JSON, a NUL (JSON never contains one), the meta's JSON.
  std::string out, err;
  codecs::json_encode(payload, codecs::json_mode::unsorted, out, err);
  out.push_back('\0');
  codecs::json_encode(meta, codecs::json_mode::unsorted, out, err);
  return out;
}

bool wal_log::decode(std::string_view entry, value& payload, value& meta, std::string& err) {
  auto nul = entry.find('\0');
  if (nul == std::string_view::npos) {
    err = "entry without meta";
    return false;
  }
  return codecs::json_decode(entry.substr(0, nul), payload, err) &&
         codecs::json_decode(entry.substr(nul + 1), meta, err);
}

bool wal_log::open(const std::string& dir, size_t capacity, std::string& err) {
  if (store_.is_open())
    return true;
  if (!store_.open(dir, capacity, err))
    return false;
  lmdb_store::txn t(store_, false);
  bool first = true;
  bool ok = t.scan({}, {}, [&](std::string_view key, std::string_view) {
    uint64_t seq = kv::u64_of_key(key);
    if (first)
      first_seq_ = seq;
    first = false;
    next_seq_ = seq + 1;
    ++entries_;
    return true;
  });
  if (!ok) {
    err = "cannot read the log in " + dir + ": " + t.error();
    return false;
  }
  if (first)
    first_seq_ = next_seq_ = 0;
  tree_bytes_ = t.tree_bytes();
  return true;
}

wal_log::outcome wal_log::commit(const std::vector<uint64_t>& forget,
                                 const std::vector<std::pair<uint64_t, std::string_view>>& append) {
  outcome out;
  lmdb_store::txn t(store_, true);
  bool ok = t.ok();
  size_t removed = 0;
  for (uint64_t seq : forget) {
    if (!ok)
      break;
    std::string key = kv::u64_key(seq);
    std::string val;
    if (t.get(key, val)) {
      ok = t.del(key);
      ++removed;
    }
  }
  for (const auto& [seq, entry] : append) {
    if (!ok)
      break;
    ok = t.put(kv::u64_key(seq), entry, true);
  }
  size_t tree_after = ok ? t.tree_bytes() : 0;
  ok = ok && t.commit();
  if (!ok) {
    out.full = t.full();
    out.error = t.error();
    return out;
  }
  out.ok = true;
  entries_ = entries_ - std::min(entries_, removed) + append.size();
  if (!append.empty())
    next_seq_ = std::max(next_seq_, append.back().first + 1);
  tree_bytes_ = tree_after;
  return out;
}

bool wal_log::read(uint64_t from, const visitor& visit, const reporter& unreadable,
                   std::string& err) {
  lmdb_store::txn t(store_, false);
  if (!t.ok()) {
    err = t.error();
    return false;
  }
  bool ok = t.scan(kv::u64_key(from), {}, [&](std::string_view key, std::string_view val) {
    uint64_t seq = kv::u64_of_key(key);
    value payload, meta;
    std::string why;
    if (!decode(val, payload, meta, why)) {
      unreadable(seq, why);
      return true;
    }
    return visit(seq, std::move(payload), std::move(meta));
  });
  if (!ok)
    err = t.error();
  return ok;
}

} // namespace temblor::connectors
