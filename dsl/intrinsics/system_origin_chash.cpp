#include "dsl/intrinsics/native_support.hpp"

#include <unistd.h>

#include <cstdint>
#include <string_view>

#include "dsl/interpreter.hpp"
#include "dsl/json_text.hpp"
#include "runtime/core/event.hpp"

namespace temblor::dsl::intrinsics {

namespace {

// -- tremor::system -------------------------------------------------------

TEMBLOR_NATIVE(system_nanotime) {
  out = value(static_cast<unsigned long long>(now_ns()));
  return true;
}
std::string& instance_name() {
  static std::string name = "tremor";
  return name;
}

TEMBLOR_NATIVE(system_instance) {
  out = value(instance_name());
  return true;
}
// Scripts compare this against Tremor releases, so it names the Tremor
// version whose behaviour Temblor reproduces, not Temblor's own.
TEMBLOR_NATIVE(system_version) {
  out = value("0.13.0-rc.33");
  return true;
}
TEMBLOR_NATIVE(system_hostname) {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0)
    buf[0] = 0;
  out = value(std::string(buf));
  return true;
}

TEMBLOR_NATIVE(system_ingest_ns) {
  const eval_ctx* c = current_eval_ctx();
  out = value(static_cast<unsigned long long>(c ? c->ingest_ns : 0));
  return true;
}

// The runtime does not carry origin URIs on events; origin functions read
// the one the runner was given, else `$origin` when a connector sets it,
// null otherwise.
const value* origin_record() {
  const eval_ctx* c = current_eval_ctx();
  if (c && c->origin)
    return c->origin;
  return c && c->meta ? c->meta->get("origin") : nullptr;
}
const value* origin_field(const char* key) {
  const value* o = origin_record();
  return o ? o->get(key) : nullptr;
}
#define TEMBLOR_ORIGIN(fname, key)                                                                         \
  TEMBLOR_NATIVE(fname) {                                                                                  \
    const value* v = origin_field(key);                                                            \
    out = v ? *v : value();                                                                        \
    return true;                                                                                   \
  }
TEMBLOR_ORIGIN(origin_scheme, "scheme")
TEMBLOR_ORIGIN(origin_host, "host")
TEMBLOR_ORIGIN(origin_port, "port")
TEMBLOR_ORIGIN(origin_path, "path")
TEMBLOR_NATIVE(origin_as_uri_string) {
  const value* v = origin_field("uri");
  out = v ? *v : value();
  return true;
}

// Tremor's origin URI has exactly these four parts.
TEMBLOR_NATIVE(origin_as_uri_record) {
  const value* o = origin_record();
  if (!o || !o->is_record()) {
    out = value();
    return true;
  }
  record r;
  for (const char* key : {"scheme", "host", "port", "path"}) {
    const value* v = o->get(key);
    r.set(key, v ? *v : value());
  }
  out = value(std::move(r));
  return true;
}

// -- tremor::chash ------------------------------------------------------------------

TEMBLOR_NATIVE(chash_sorted_serialize) {
  out = value(to_json(a[0], true));
  return true;
}

// SipHash with `C` compression and `D` finalization rounds over `data`.
template <int C, int D>
uint64_t siphash(uint64_t k0, uint64_t k1, std::string_view data) {
  uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
  const auto rotl = [](uint64_t x, int b) { return (x << b) | (x >> (64 - b)); };
  const auto round = [&]() {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  };
  const size_t n = data.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t m = 0;
    for (int k = 7; k >= 0; --k)
      m = (m << 8) | static_cast<unsigned char>(data[i + static_cast<size_t>(k)]);
    v3 ^= m;
    for (int r = 0; r < C; ++r)
      round();
    v0 ^= m;
  }
  uint64_t last = static_cast<uint64_t>(n & 0xFF) << 56;
  for (size_t k = 0; i + k < n; ++k)
    last |= static_cast<uint64_t>(static_cast<unsigned char>(data[i + k])) << (8 * k);
  v3 ^= last;
  for (int r = 0; r < C; ++r)
    round();
  v0 ^= last;
  v2 ^= 0xFF;
  for (int r = 0; r < D; ++r)
    round();
  return v0 ^ v1 ^ v2 ^ v3;
}

// Tremor places keys with the `jumphash` crate: SipHash-1-3 keyed by
// (k1, k2) over the key as Rust's `Hash` for `str` feeds it (the bytes, then
// a 0xFF terminator), then jump consistent hash (Lamping & Veach). Plain
// `jump` uses Tremor's fixed keys, "tremor\0\0" and "\0\0tremor" read as
// big-endian integers, so slots match Tremor's for the same key.
constexpr uint64_t chash_k1 = 8390880576440238080ULL;
constexpr uint64_t chash_k2 = 128034676764530ULL;

uint64_t chash_key_hash(uint64_t k1, uint64_t k2, const std::string& key) {
  std::string data = key;
  data.push_back(static_cast<char>(0xFF));
  return siphash<1, 3>(k1, k2, data);
}

int64_t jump_slot(uint64_t h, int64_t slots) {
  int64_t b = -1, j = 0;
  while (j < slots) {
    b = j;
    h = h * 2862933555777941757ULL + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) *
                             (static_cast<double>(1ULL << 31) / static_cast<double>((h >> 33) + 1)));
  }
  return b;
}

bool chash_place(uint64_t k1, uint64_t k2, const value& key, const value& count, value& out, std::string& err,
                 const char* fn) {
  if (!key.is_string())
    return type_err(err, fn, "a string", key);
  int64_t slots = 0;
  if (!count.get_i64(slots) || slots < 0 || slots > UINT32_MAX)
    return type_err(err, fn, "an integer", count);
  out = value(static_cast<long long>(slots == 0 ? 0 : jump_slot(chash_key_hash(k1, k2, key.as_string()), slots)));
  return true;
}

TEMBLOR_NATIVE(chash_jump) { return chash_place(chash_k1, chash_k2, a[0], a[1], out, err, "chash::jump"); }

bool get_u64_key(const value& v, uint64_t& k) {
  int64_t i = 0;
  if (v.get_u64(k))
    return true;
  if (v.get_i64(i) && i >= 0) {
    k = static_cast<uint64_t>(i);
    return true;
  }
  return false;
}

TEMBLOR_NATIVE(chash_jump_with_keys) {
  uint64_t k1 = 0, k2 = 0;
  if (!get_u64_key(a[0], k1))
    return type_err(err, "chash::jump_with_keys", "an integer", a[0]);
  if (!get_u64_key(a[1], k2))
    return type_err(err, "chash::jump_with_keys", "an integer", a[1]);
  return chash_place(k1, k2, a[2], a[3], out, err, "chash::jump_with_keys");
}

} // namespace

// Adds tremor::system, tremor::origin and tremor::chash.
void register_system_origin_chash_natives(native_table& t) {
  t.insert({
    {"system::nanotime", {system_nanotime, 0, 0}},
    {"system::instance", {system_instance, 0, 0}},
    {"system::hostname", {system_hostname, 0, 0}},
    {"system::version", {system_version, 0, 0}},
    {"chash::jump", {chash_jump, 2, 2}},
    {"chash::jump_with_keys", {chash_jump_with_keys, 4, 4}},
    {"chash::sorted_serialize", {chash_sorted_serialize, 1, 1}},
    {"system::ingest_ns", {system_ingest_ns, 0, 0}},
    {"origin::scheme", {origin_scheme, 0, 0}},
    {"origin::host", {origin_host, 0, 0}},
    {"origin::port", {origin_port, 0, 0}},
    {"origin::path", {origin_path, 0, 0}},
    {"origin::as_uri_string", {origin_as_uri_string, 0, 0}},
    {"origin::as_uri_record", {origin_as_uri_record, 0, 0}},
  });
}

} // namespace temblor::dsl::intrinsics

namespace temblor::dsl {

void set_instance_name(std::string name) { intrinsics::instance_name() = std::move(name); }

} // namespace temblor::dsl
