#pragma once

// Private to the intrinsics: the shape of a native function, the argument
// checks every stdlib family uses, and one registration function per family
// that dsl/intrinsics.cpp calls to build its table.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "dsl/intrinsics.hpp"
#include "runtime/core/value.hpp"

namespace temblor::dsl::intrinsics {

#define TEMBLOR_NATIVE(fname)                                                                              \
  bool fname([[maybe_unused]] const value* a, [[maybe_unused]] size_t n,                           \
             [[maybe_unused]] value& out, [[maybe_unused]] std::string& err)

// An empty error means "bad type": the caller renders Tremor's text for
// it, "Bad type passed to function string::len/1", which names no types.
inline bool type_err(std::string& err, const char*, const char*, const value&) {
  err.clear();
  return false;
}

#define TEMBLOR_WANT_STR(i, fn)                                                                            \
  if (!a[i].get_text())                                                                            \
    return type_err(err, fn, "a string", a[i]);                                                    \
  const std::string& s##i = *a[i].get_text();

#define TEMBLOR_WANT_INT(idx, fn)                                                                          \
  int64_t i##idx = 0;                                                                              \
  if (!a[idx].get_i64(i##idx))                                                                     \
    return type_err(err, fn, "an integer", a[idx]);

#define TEMBLOR_WANT_NUM(i, fn)                                                                            \
  double f##i = 0;                                                                                 \
  if (!a[i].get_f64(f##i))                                                                         \
    return type_err(err, fn, "a number", a[i]);

#define TEMBLOR_WANT_ARR(i, fn)                                                                            \
  if (!a[i].is_array())                                                                            \
    return type_err(err, fn, "an array", a[i]);                                                    \
  const array& arr##i = a[i].as_array();

#define TEMBLOR_WANT_REC(i, fn)                                                                            \
  if (!a[i].is_record())                                                                           \
    return type_err(err, fn, "a record", a[i]);                                                    \
  const record& rec##i = a[i].as_record();

/// Qualified name (`string::lowercase`) to native.
using native_table = std::unordered_map<std::string, native_entry>;

void register_datetime_natives(native_table& t);
void register_string_natives(native_table& t);
void register_array_record_natives(native_table& t);
void register_math_types_natives(native_table& t);
void register_encoding_natives(native_table& t);
void register_system_origin_chash_natives(native_table& t);
void register_re_natives(native_table& t);
void register_otel_natives(native_table& t);
void register_win_natives(native_table& t);
void register_test_natives(native_table& t);

} // namespace temblor::dsl::intrinsics
