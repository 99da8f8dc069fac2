#include "dsl/intrinsics/native_support.hpp"

#include <algorithm>

#include "dsl/interpreter.hpp"
#include "dsl/json_text.hpp"

namespace temblor::dsl::intrinsics {

namespace {

// -- std::array ---------------------------------------------------------------

TEMBLOR_NATIVE(array_len) {
  TEMBLOR_WANT_ARR(0, "array::len");
  out = value(static_cast<unsigned long long>(arr0.size()));
  return true;
}
TEMBLOR_NATIVE(array_is_empty) {
  TEMBLOR_WANT_ARR(0, "array::is_empty");
  out = value(arr0.empty());
  return true;
}
TEMBLOR_NATIVE(array_contains) {
  TEMBLOR_WANT_ARR(0, "array::contains");
  out = value(std::any_of(arr0.begin(), arr0.end(), [&](const value& x) { return script_eq(x, a[1]); }));
  return true;
}
TEMBLOR_NATIVE(array_push) {
  TEMBLOR_WANT_ARR(0, "array::push");
  array r = arr0;
  r.push_back(a[1]);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_sort) {
  TEMBLOR_WANT_ARR(0, "array::sort");
  array r = arr0;
  std::stable_sort(r.begin(), r.end(), [](const value& x, const value& y) { return compare(x, y) < 0; });
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_reverse) {
  TEMBLOR_WANT_ARR(0, "array::reverse");
  out = value(array(arr0.rbegin(), arr0.rend()));
  return true;
}
void flatten_into(const array& in, array& out) {
  for (const auto& x : in) {
    if (x.is_array())
      flatten_into(x.as_array(), out);
    else
      out.push_back(x);
  }
}
TEMBLOR_NATIVE(array_flatten) {
  TEMBLOR_WANT_ARR(0, "array::flatten");
  array r;
  flatten_into(arr0, r);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_join) {
  TEMBLOR_WANT_ARR(0, "array::join");
  TEMBLOR_WANT_STR(1, "array::join");
  std::string r;
  for (size_t i = 0; i < arr0.size(); ++i) {
    if (i)
      r += s1;
    if (arr0[i].is_string())
      r += arr0[i].as_string();
    else
      write_json(arr0[i], r);
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_coalesce) {
  TEMBLOR_WANT_ARR(0, "array::coalesce");
  array r;
  for (const auto& x : arr0)
    if (!x.is_null())
      r.push_back(x);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_unzip) {
  TEMBLOR_WANT_ARR(0, "array::unzip");
  array l, r;
  for (const auto& x : arr0) {
    if (!x.is_array() || x.as_array().size() != 2) {
      err = "array::unzip: every element must be a pair";
      return false;
    }
    l.push_back(x.as_array()[0]);
    r.push_back(x.as_array()[1]);
  }
  out = value(array{value(std::move(l)), value(std::move(r))});
  return true;
}
TEMBLOR_NATIVE(array_zip) {
  TEMBLOR_WANT_ARR(0, "array::zip");
  TEMBLOR_WANT_ARR(1, "array::zip");
  if (arr0.size() != arr1.size()) {
    err = "array::zip: arrays have different lengths";
    return false;
  }
  array r;
  for (size_t i = 0; i < arr0.size(); ++i)
    r.push_back(value(array{arr0[i], arr1[i]}));
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(array_concatenate) {
  TEMBLOR_WANT_ARR(0, "array::concatenate");
  TEMBLOR_WANT_ARR(1, "array::concatenate");
  array r = arr0;
  r.insert(r.end(), arr1.begin(), arr1.end());
  out = value(std::move(r));
  return true;
}

// -- std::record --------------------------------------------------------------

TEMBLOR_NATIVE(record_len) {
  TEMBLOR_WANT_REC(0, "record::len");
  out = value(static_cast<unsigned long long>(rec0.size()));
  return true;
}
TEMBLOR_NATIVE(record_is_empty) {
  TEMBLOR_WANT_REC(0, "record::is_empty");
  out = value(rec0.empty());
  return true;
}
TEMBLOR_NATIVE(record_contains) {
  TEMBLOR_WANT_REC(0, "record::contains");
  TEMBLOR_WANT_STR(1, "record::contains");
  out = value(rec0.contains(s1));
  return true;
}
TEMBLOR_NATIVE(record_keys) {
  TEMBLOR_WANT_REC(0, "record::keys");
  array r;
  for (const auto& [k, v] : rec0)
    r.push_back(value(k));
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_values) {
  TEMBLOR_WANT_REC(0, "record::values");
  array r;
  for (const auto& [k, v] : rec0)
    r.push_back(v);
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_to_array) {
  TEMBLOR_WANT_REC(0, "record::to_array");
  array r;
  for (const auto& [k, v] : rec0)
    r.push_back(value(array{value(k), v}));
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_from_array) {
  TEMBLOR_WANT_ARR(0, "record::from_array");
  record r;
  for (const auto& x : arr0) {
    if (!x.is_array() || x.as_array().size() != 2 || !x.as_array()[0].is_string()) {
      err = "record::from_array: every element must be a [key, value] pair";
      return false;
    }
    r.set(x.as_array()[0].as_string(), x.as_array()[1]);
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_select) {
  TEMBLOR_WANT_REC(0, "record::select");
  TEMBLOR_WANT_ARR(1, "record::select");
  record r;
  for (const auto& k : arr1)
    if (k.is_string())
      if (const value* v = rec0.find(k.as_string()))
        r.set(k.as_string(), *v);
  out = value(std::move(r));
  return true;
}
// Also record::combine. Unlike the `merge` operator, a null on the right is
// a value, not a deletion.
TEMBLOR_NATIVE(record_merge) {
  TEMBLOR_WANT_REC(0, "record::merge");
  TEMBLOR_WANT_REC(1, "record::merge");
  record r = rec0;
  for (const auto& [k, v] : rec1)
    r.set(k, v);
  out = value(std::move(r));
  return true;
}
// `changes` maps old key -> new key; keys it does not name (or maps to a
// non-string) keep their name. Renames happen at once, so swapping two
// keys works.
TEMBLOR_NATIVE(record_rename) {
  TEMBLOR_WANT_REC(0, "record::rename");
  TEMBLOR_WANT_REC(1, "record::rename");
  record r;
  for (const auto& [k, v] : rec0) {
    const value* to = rec1.find(k);
    r.set(to && to->is_string() ? to->as_string() : k, v);
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(record_extract) {
  return record_select(a, n, out, err);
}

// -- std::path ----------------------------------------------------------------------

TEMBLOR_NATIVE(path_try_default) {
  TEMBLOR_WANT_ARR(1, "path::try_default");
  const value* cur = &a[0];
  for (const auto& seg : arr1) {
    if (seg.is_string() && cur->is_record()) {
      cur = cur->as_record().find(seg.as_string());
    } else if (seg.is_integer() && cur->is_array()) {
      int64_t i = 0;
      seg.get_i64(i);
      cur = i >= 0 && static_cast<size_t>(i) < cur->as_array().size()
              ? &cur->as_array()[static_cast<size_t>(i)]
              : nullptr;
    } else {
      cur = nullptr;
    }
    if (!cur) {
      out = a[2];
      return true;
    }
  }
  out = *cur;
  return true;
}

} // namespace

// Adds std::array, std::record and std::path.
void register_array_record_natives(native_table& t) {
  t.insert({
    {"array::len", {array_len, 1, 1}},
    {"array::is_empty", {array_is_empty, 1, 1}},
    {"array::contains", {array_contains, 2, 2}},
    {"array::push", {array_push, 2, 2}},
    {"array::sort", {array_sort, 1, 1}},
    {"array::reverse", {array_reverse, 1, 1}},
    {"array::flatten", {array_flatten, 1, 1}},
    {"array::join", {array_join, 2, 2}},
    {"array::coalesce", {array_coalesce, 1, 1}},
    {"array::zip", {array_zip, 2, 2}},
    {"array::unzip", {array_unzip, 1, 1}},
    {"array::concatenate", {array_concatenate, 2, 2}},
    {"record::len", {record_len, 1, 1}},
    {"record::is_empty", {record_is_empty, 1, 1}},
    {"record::contains", {record_contains, 2, 2}},
    {"record::keys", {record_keys, 1, 1}},
    {"record::values", {record_values, 1, 1}},
    {"record::to_array", {record_to_array, 1, 1}},
    {"record::from_array", {record_from_array, 1, 1}},
    {"record::select", {record_select, 2, 2}},
    {"record::extract", {record_extract, 2, 2}},
    {"record::merge", {record_merge, 2, 2}},
    {"record::combine", {record_merge, 2, 2}},
    {"record::rename", {record_rename, 2, 2}},
    {"path::try_default", {path_try_default, 3, 3}},
  });
}

} // namespace temblor::dsl::intrinsics
