#pragma once

// The event value model shared by codecs, the language and the runtime.
// Tremor's value: null, bool, i64, u64, f64, string, bytes, array, record.
// Records keep insertion order (what users see from the unsorted json codec).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace temblor {

class value;

/// Raw bytes, kept apart from UTF-8 strings so codecs can tell them apart.
struct bytes {
  std::string data;
  friend bool operator==(const bytes& a, const bytes& b) { return a.data == b.data; }
};

using array = std::vector<value>;

/// An insertion-ordered map from string keys to values.
class record {
public:
  using entry = std::pair<std::string, value>;
  using storage = std::vector<entry>;

  record() = default;
  record(std::initializer_list<entry> init);

  /// Returns the value under `key`, or nullptr when absent.
  const value* find(std::string_view key) const;
  value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  /// Inserts or replaces `key`; returns the stored value.
  value& set(std::string key, value v);
  /// Inserts `key` without checking for an existing entry (decoders that
  /// already deduplicated, or know keys are unique).
  value& push_unchecked(std::string key, value v);
  /// Removes `key`; returns whether it was present.
  bool erase(std::string_view key);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void reserve(size_t n) { entries_.reserve(n); }
  storage::const_iterator begin() const { return entries_.begin(); }
  storage::const_iterator end() const { return entries_.end(); }
  storage::iterator begin() { return entries_.begin(); }
  storage::iterator end() { return entries_.end(); }
  const storage& entries() const { return entries_; }

  /// Returns the entries ordered by key (for sorted output and comparison).
  std::vector<const entry*> sorted() const;

private:
  storage entries_;
};

enum class value_kind : uint8_t { null, boolean, i64, u64, f64, string, bytes, array, record };

/// Names a kind the way Tremor's type errors do ("null", "bool", "integer", …).
std::string_view kind_name(value_kind k);

class value {
public:
  using variant_type = std::variant<std::monostate, bool, int64_t, uint64_t, double,
                                    std::string, bytes, array, record>;

  value() = default;
  value(std::nullptr_t) {}
  value(bool b) : v_(b) {}
  value(int i) : v_(int64_t{i}) {}
  value(long i) : v_(int64_t{i}) {}
  value(long long i) : v_(int64_t{i}) {}
  value(unsigned u) : v_(int64_t{u}) {}
  value(unsigned long u) { set_unsigned(u); }
  value(unsigned long long u) { set_unsigned(u); }
  value(double d) : v_(d) {}
  value(const char* s) : v_(std::string(s)) {}
  value(std::string s) : v_(std::move(s)) {}
  value(std::string_view s) : v_(std::string(s)) {}
  value(bytes b) : v_(std::move(b)) {}
  value(array a) : v_(std::move(a)) {}
  value(record r) : v_(std::move(r)) {}

  value_kind kind() const { return static_cast<value_kind>(v_.index()); }

  bool is_null() const { return kind() == value_kind::null; }
  bool is_bool() const { return kind() == value_kind::boolean; }
  bool is_integer() const { return kind() == value_kind::i64 || kind() == value_kind::u64; }
  bool is_float() const { return kind() == value_kind::f64; }
  bool is_number() const { return is_integer() || is_float(); }
  bool is_string() const { return kind() == value_kind::string; }
  bool is_bytes() const { return kind() == value_kind::bytes; }
  bool is_array() const { return kind() == value_kind::array; }
  bool is_record() const { return kind() == value_kind::record; }

  // Unchecked accessors: callers test the kind first.
  bool as_bool() const { return std::get<bool>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  const bytes& as_bytes() const { return std::get<bytes>(v_); }
  bytes& as_bytes() { return std::get<bytes>(v_); }
  const array& as_array() const { return std::get<array>(v_); }
  array& as_array() { return std::get<array>(v_); }
  const record& as_record() const { return std::get<record>(v_); }
  record& as_record() { return std::get<record>(v_); }
  int64_t as_i64_unchecked() const { return std::get<int64_t>(v_); }
  uint64_t as_u64_unchecked() const { return std::get<uint64_t>(v_); }
  double as_f64_unchecked() const { return std::get<double>(v_); }

  /// Returns the integer as i64 when it fits.
  bool get_i64(int64_t& out) const;
  /// Returns the integer as u64 when it is non-negative.
  bool get_u64(uint64_t& out) const;
  /// Returns any number as a double.
  bool get_f64(double& out) const;
  /// Returns the string or bytes contents.
  const std::string* get_text() const;

  /// Looks up `key` when this is a record; nullptr otherwise.
  const value* get(std::string_view key) const;
  value* get(std::string_view key);

  /// Turns this value into a record (when null) and sets `key`.
  value& set(std::string key, value v);

  const variant_type& variant() const { return v_; }
  variant_type& variant() { return v_; }

  friend bool operator==(const value& a, const value& b);
  friend bool operator!=(const value& a, const value& b) { return !(a == b); }

private:
  void set_unsigned(unsigned long long u) {
    if (u <= static_cast<unsigned long long>(INT64_MAX))
      v_ = static_cast<int64_t>(u);
    else
      v_ = static_cast<uint64_t>(u);
  }

  variant_type v_;
};

/// Compares values in Tremor's total order: record < array < string/bytes <
/// number < bool < null. Records compare by size, then sorted keys, then values.
int compare(const value& a, const value& b);

inline bool operator<(const value& a, const value& b) { return compare(a, b) < 0; }

} // namespace temblor
