#include "runtime/core/value.hpp"

#include <algorithm>
#include <cmath>

namespace temblor {

// -- record -------------------------------------------------------------------

record::record(std::initializer_list<entry> init) {
  entries_.reserve(init.size());
  for (const auto& e : init)
    set(e.first, e.second);
}

const value* record::find(std::string_view key) const {
  for (const auto& e : entries_)
    if (e.first == key)
      return &e.second;
  return nullptr;
}

value* record::find(std::string_view key) {
  for (auto& e : entries_)
    if (e.first == key)
      return &e.second;
  return nullptr;
}

value& record::set(std::string key, value v) {
  if (auto* existing = find(key)) {
    *existing = std::move(v);
    return *existing;
  }
  return push_unchecked(std::move(key), std::move(v));
}

value& record::push_unchecked(std::string key, value v) {
  entries_.emplace_back(std::move(key), std::move(v));
  return entries_.back().second;
}

bool record::erase(std::string_view key) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const entry& e) { return e.first == key; });
  if (it == entries_.end())
    return false;
  entries_.erase(it);
  return true;
}

std::vector<const record::entry*> record::sorted() const {
  std::vector<const entry*> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_)
    out.push_back(&e);
  std::sort(out.begin(), out.end(),
            [](const entry* a, const entry* b) { return a->first < b->first; });
  return out;
}

// -- value --------------------------------------------------------------------

std::string_view kind_name(value_kind k) {
  switch (k) {
    case value_kind::null: return "null";
    case value_kind::boolean: return "bool";
    case value_kind::i64:
    case value_kind::u64: return "integer";
    case value_kind::f64: return "float";
    case value_kind::string: return "string";
    case value_kind::bytes: return "bytes";
    case value_kind::array: return "array";
    case value_kind::record: return "record";
  }
  return "unknown";
}

bool value::get_i64(int64_t& out) const {
  if (auto* i = std::get_if<int64_t>(&v_)) {
    out = *i;
    return true;
  }
  if (auto* u = std::get_if<uint64_t>(&v_); u && *u <= static_cast<uint64_t>(INT64_MAX)) {
    out = static_cast<int64_t>(*u);
    return true;
  }
  return false;
}

bool value::get_u64(uint64_t& out) const {
  if (auto* u = std::get_if<uint64_t>(&v_)) {
    out = *u;
    return true;
  }
  if (auto* i = std::get_if<int64_t>(&v_); i && *i >= 0) {
    out = static_cast<uint64_t>(*i);
    return true;
  }
  return false;
}

bool value::get_f64(double& out) const {
  switch (kind()) {
    case value_kind::i64: out = static_cast<double>(as_i64_unchecked()); return true;
    case value_kind::u64: out = static_cast<double>(as_u64_unchecked()); return true;
    case value_kind::f64: out = as_f64_unchecked(); return true;
    default: return false;
  }
}

const std::string* value::get_text() const {
  if (auto* s = std::get_if<std::string>(&v_))
    return s;
  if (auto* b = std::get_if<bytes>(&v_))
    return &b->data;
  return nullptr;
}

const value* value::get(std::string_view key) const {
  auto* r = std::get_if<record>(&v_);
  return r ? r->find(key) : nullptr;
}

value* value::get(std::string_view key) {
  auto* r = std::get_if<record>(&v_);
  return r ? r->find(key) : nullptr;
}

value& value::set(std::string key, value v) {
  if (!is_record())
    v_ = record{};
  return as_record().set(std::move(key), std::move(v));
}

namespace {

bool integers_equal(const value& a, const value& b) {
  uint64_t ua = 0, ub = 0;
  int64_t ia = 0, ib = 0;
  if (a.get_i64(ia) && b.get_i64(ib))
    return ia == ib;
  if (a.get_u64(ua) && b.get_u64(ub))
    return ua == ub;
  return false;
}

// Rank of each kind in Tremor's cross-kind order (lower sorts first).
int kind_rank(value_kind k) {
  switch (k) {
    case value_kind::record: return 0;
    case value_kind::array: return 1;
    case value_kind::string:
    case value_kind::bytes: return 2;
    case value_kind::i64:
    case value_kind::u64:
    case value_kind::f64: return 3;
    case value_kind::boolean: return 4;
    case value_kind::null: return 5;
  }
  return 6;
}

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_numbers(const value& a, const value& b) {
  int64_t ia = 0, ib = 0;
  uint64_t ua = 0, ub = 0;
  if (a.is_integer() && b.is_integer()) {
    if (a.get_i64(ia) && b.get_i64(ib))
      return three_way(ia, ib);
    if (a.get_u64(ua) && b.get_u64(ub))
      return three_way(ua, ub);
    // One is negative i64, the other a u64 above i64's range.
    return a.kind() == value_kind::i64 ? -1 : 1;
  }
  double da = 0, db = 0;
  a.get_f64(da);
  b.get_f64(db);
  if (std::isnan(da) || std::isnan(db))
    return three_way(std::isnan(da), std::isnan(db));
  return three_way(da, db);
}

} // namespace

bool operator==(const value& a, const value& b) {
  if (a.is_integer() && b.is_integer())
    return integers_equal(a, b);
  if (a.kind() != b.kind()) {
    // Strings and bytes with the same contents are the same data to Tremor.
    auto* ta = a.get_text();
    auto* tb = b.get_text();
    return ta && tb && *ta == *tb;
  }
  switch (a.kind()) {
    case value_kind::record: {
      const auto& ra = a.as_record();
      const auto& rb = b.as_record();
      if (ra.size() != rb.size())
        return false;
      for (const auto& [k, v] : ra) {
        auto* other = rb.find(k);
        if (!other || !(*other == v))
          return false;
      }
      return true;
    }
    default:
      return a.variant() == b.variant();
  }
}

int compare(const value& a, const value& b) {
  int ra = kind_rank(a.kind());
  int rb = kind_rank(b.kind());
  if (ra != rb)
    return three_way(ra, rb);
  switch (a.kind()) {
    case value_kind::null: return 0;
    case value_kind::boolean: return three_way(a.as_bool(), b.as_bool());
    case value_kind::i64:
    case value_kind::u64:
    case value_kind::f64: return compare_numbers(a, b);
    case value_kind::string:
    case value_kind::bytes: return a.get_text()->compare(*b.get_text()) < 0 ? -1
                                   : (*a.get_text() == *b.get_text() ? 0 : 1);
    case value_kind::array: {
      const auto& xa = a.as_array();
      const auto& xb = b.as_array();
      size_t n = std::min(xa.size(), xb.size());
      for (size_t i = 0; i < n; ++i)
        if (int c = compare(xa[i], xb[i]); c != 0)
          return c;
      return three_way(xa.size(), xb.size());
    }
    case value_kind::record: {
      const auto& xa = a.as_record();
      const auto& xb = b.as_record();
      if (xa.size() != xb.size())
        return three_way(xa.size(), xb.size());
      auto sa = xa.sorted();
      auto sb = xb.sorted();
      for (size_t i = 0; i < sa.size(); ++i)
        if (int c = three_way(sa[i]->first, sb[i]->first); c != 0)
          return c;
      for (size_t i = 0; i < sa.size(); ++i)
        if (int c = compare(sa[i]->second, sb[i]->second); c != 0)
          return c;
      return 0;
    }
  }
  return 0;
}

} // namespace temblor
