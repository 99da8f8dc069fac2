#include "connectors/kv/lmdb_store.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <lmdb.h>

namespace temblor::connectors::kv {

namespace {

MDB_val as_val(std::string_view s) {
  MDB_val v;
  v.mv_size = s.size();
  v.mv_data = const_cast<char*>(s.data());
  return v;
}

std::string_view as_view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

} // namespace

lmdb_store::~lmdb_store() {
  if (env_)
    mdb_env_close(env_);
}

bool lmdb_store::open(const std::string& dir, size_t map_size, std::string& err) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    err = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc == 0)
    rc = mdb_env_set_mapsize(env, map_size);
  // MDB_NOTLS: transactions are not tied to the thread that began them
  // (the blocking pool and the actor both use the store).
  if (rc == 0)
    rc = mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0644);
  MDB_txn* t = nullptr;
  if (rc == 0)
    rc = mdb_txn_begin(env, nullptr, 0, &t);
  MDB_dbi dbi = 0;
  if (rc == 0)
    rc = mdb_dbi_open(t, nullptr, 0, &dbi);
  if (rc == 0)
    rc = mdb_txn_commit(t);
  else if (t)
    mdb_txn_abort(t);
  if (rc != 0) {
    err = "cannot open the store in " + dir + ": " + mdb_strerror(rc);
    if (env)
      mdb_env_close(env);
    return false;
  }
  env_ = env;
  dbi_ = dbi;
  return true;
}

lmdb_store::txn::txn(lmdb_store& store, bool write) : store_(store) {
  int rc = mdb_txn_begin(store.env_, nullptr, write ? 0 : MDB_RDONLY, &txn_);
  if (rc != 0) {
    txn_ = nullptr;
    err_ = mdb_strerror(rc);
  }
}

lmdb_store::txn::~txn() {
  if (txn_)
    mdb_txn_abort(txn_);
}

bool lmdb_store::txn::get(std::string_view key, std::string& out) {
  MDB_val k = as_val(key), v;
  int rc = mdb_get(txn_, store_.dbi_, &k, &v);
  if (rc != 0) {
    if (rc != MDB_NOTFOUND)
      err_ = mdb_strerror(rc);
    return false;
  }
  out.assign(as_view(v));
  return true;
}

bool lmdb_store::txn::put(std::string_view key, std::string_view val, bool append) {
  MDB_val k = as_val(key), v = as_val(val);
  int rc = mdb_put(txn_, store_.dbi_, &k, &v, append ? MDB_APPEND : 0);
  if (rc != 0) {
    full_ = rc == MDB_MAP_FULL;
    err_ = mdb_strerror(rc);
    return false;
  }
  return true;
}

bool lmdb_store::txn::del(std::string_view key) {
  MDB_val k = as_val(key);
  int rc = mdb_del(txn_, store_.dbi_, &k, nullptr);
  if (rc != 0 && rc != MDB_NOTFOUND) {
    full_ = rc == MDB_MAP_FULL;
    err_ = mdb_strerror(rc);
  }
  return rc == 0;
}

bool lmdb_store::txn::scan(std::string_view from, std::string_view to,
                           const std::function<bool(std::string_view, std::string_view)>& visit) {
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(txn_, store_.dbi_, &cur);
  if (rc != 0) {
    err_ = mdb_strerror(rc);
    return false;
  }
  MDB_val k = as_val(from), v;
  rc = mdb_cursor_get(cur, &k, &v, from.empty() ? MDB_FIRST : MDB_SET_RANGE);
  while (rc == 0) {
    std::string_view key = as_view(k);
    if (!to.empty() && key >= to)
      break;
    if (!visit(key, as_view(v)))
      break;
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cur);
  if (rc != 0 && rc != MDB_NOTFOUND) {
    err_ = mdb_strerror(rc);
    return false;
  }
  return true;
}

size_t lmdb_store::txn::tree_bytes() {
  MDB_stat st;
  if (mdb_stat(txn_, store_.dbi_, &st) != 0)
    return 0;
  return (st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages) * size_t{st.ms_psize};
}

bool lmdb_store::txn::commit() {
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;
  if (rc != 0) {
    full_ = rc == MDB_MAP_FULL;
    err_ = mdb_strerror(rc);
    return false;
  }
  return true;
}

std::string u64_key(uint64_t n) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, n >>= 8)
    k[static_cast<size_t>(i)] = static_cast<char>(n & 0xff);
  return k;
}

uint64_t u64_of_key(std::string_view key) {
  uint64_t n = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i)
    n = (n << 8) | static_cast<unsigned char>(key[i]);
  return n;
}

} // namespace temblor::connectors::kv
