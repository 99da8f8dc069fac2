#include "dsl/intrinsics/native_support.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <random>

#include "dsl/interpreter.hpp"

namespace temblor::dsl::intrinsics {

namespace {

// -- std::type ----------------------------------------------------------------

TEMBLOR_NATIVE(type_is_null) { out = value(a[0].is_null()); return true; }
TEMBLOR_NATIVE(type_is_bool) { out = value(a[0].is_bool()); return true; }
TEMBLOR_NATIVE(type_is_integer) { out = value(a[0].is_integer()); return true; }
TEMBLOR_NATIVE(type_is_float) { out = value(a[0].is_float()); return true; }
TEMBLOR_NATIVE(type_is_number) { out = value(a[0].is_number()); return true; }
TEMBLOR_NATIVE(type_is_string) { out = value(a[0].is_string()); return true; }
TEMBLOR_NATIVE(type_is_array) { out = value(a[0].is_array()); return true; }
TEMBLOR_NATIVE(type_is_record) { out = value(a[0].is_record()); return true; }
TEMBLOR_NATIVE(type_is_binary) { out = value(a[0].is_bytes()); return true; }
TEMBLOR_NATIVE(type_as_string) { out = value(type_name(a[0])); return true; }

// -- std::math / integer / float ------------------------------------------------

TEMBLOR_NATIVE(math_floor) {
  if (a[0].is_integer()) { out = a[0]; return true; }
  TEMBLOR_WANT_NUM(0, "math::floor");
  out = value(static_cast<long long>(std::floor(f0)));
  return true;
}
TEMBLOR_NATIVE(math_ceil) {
  if (a[0].is_integer()) { out = a[0]; return true; }
  TEMBLOR_WANT_NUM(0, "math::ceil");
  out = value(static_cast<long long>(std::ceil(f0)));
  return true;
}
TEMBLOR_NATIVE(math_round) {
  if (a[0].is_integer()) { out = a[0]; return true; }
  TEMBLOR_WANT_NUM(0, "math::round");
  out = value(static_cast<long long>(std::round(f0)));
  return true;
}
TEMBLOR_NATIVE(math_trunc) {
  if (a[0].is_integer()) { out = a[0]; return true; }
  TEMBLOR_WANT_NUM(0, "math::trunc");
  out = value(static_cast<long long>(std::trunc(f0)));
  return true;
}
TEMBLOR_NATIVE(math_max) {
  if (!a[0].is_number() || !a[1].is_number())
    return type_err(err, "math::max", "numbers", a[0].is_number() ? a[1] : a[0]);
  out = compare(a[0], a[1]) >= 0 ? a[0] : a[1];
  return true;
}
TEMBLOR_NATIVE(math_min) {
  if (!a[0].is_number() || !a[1].is_number())
    return type_err(err, "math::min", "numbers", a[0].is_number() ? a[1] : a[0]);
  out = compare(a[0], a[1]) <= 0 ? a[0] : a[1];
  return true;
}
TEMBLOR_NATIVE(integer_parse) {
  TEMBLOR_WANT_STR(0, "integer::parse");
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s0.c_str(), &end, 10);
  if (s0.empty() || *end != 0 || errno != 0) {
    err = "integer::parse: `" + s0 + "` is not an integer";
    return false;
  }
  out = value(v);
  return true;
}
TEMBLOR_NATIVE(float_parse) {
  TEMBLOR_WANT_STR(0, "float::parse");
  char* end = nullptr;
  double v = std::strtod(s0.c_str(), &end);
  if (s0.empty() || *end != 0) {
    err = "float::parse: `" + s0 + "` is not a float";
    return false;
  }
  out = value(v);
  return true;
}

// Only a float can be NaN or infinite; integers are always finite.
TEMBLOR_NATIVE(float_is_nan) {
  TEMBLOR_WANT_NUM(0, "float::is_nan");
  out = value(std::isnan(f0));
  return true;
}
TEMBLOR_NATIVE(float_is_finite) {
  TEMBLOR_WANT_NUM(0, "float::is_finite");
  out = value(std::isfinite(f0));
  return true;
}
TEMBLOR_NATIVE(float_is_infinite) {
  TEMBLOR_WANT_NUM(0, "float::is_infinite");
  out = value(std::isinf(f0));
  return true;
}

// -- std::range ------------------------------------------------------------------------

TEMBLOR_NATIVE(range_range) {
  TEMBLOR_WANT_INT(0, "range::range");
  TEMBLOR_WANT_INT(1, "range::range");
  if (i1 - i0 > 10000000) {
    err = "range::range: range too large";
    return false;
  }
  array r;
  for (int64_t i = i0; i < i1; ++i)
    r.push_back(value(static_cast<long long>(i)));
  out = value(std::move(r));
  return true;
}
// A range is the array range::range builds; membership is by script
// equality, so 2.0 is in range::range(0, 3).
TEMBLOR_NATIVE(range_contains) {
  TEMBLOR_WANT_ARR(0, "range::contains");
  out = value(std::any_of(arr0.begin(), arr0.end(),
                          [&](const value& x) { return script_eq(x, a[1]); }));
  return true;
}

// -- std::random -------------------------------------------------------------------------

std::mt19937_64& rng() {
  thread_local std::mt19937_64 g{std::random_device{}()};
  return g;
}
TEMBLOR_NATIVE(random_bool) {
  out = value((rng()() & 1) == 1);
  return true;
}
TEMBLOR_NATIVE(random_integer) {
  TEMBLOR_WANT_INT(0, "random::integer");
  TEMBLOR_WANT_INT(1, "random::integer");
  if (i1 <= i0) {
    err = "random::integer: empty range";
    return false;
  }
  std::uniform_int_distribution<int64_t> d(i0, i1 - 1);
  out = value(static_cast<long long>(d(rng())));
  return true;
}
TEMBLOR_NATIVE(random_float) {
  double lo = 0, hi = 1;
  if (n == 2) {
    TEMBLOR_WANT_NUM(0, "random::float");
    TEMBLOR_WANT_NUM(1, "random::float");
    lo = f0;
    hi = f1;
  }
  std::uniform_real_distribution<double> d(lo, hi);
  out = value(d(rng()));
  return true;
}
TEMBLOR_NATIVE(random_string) {
  TEMBLOR_WANT_INT(0, "random::string");
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string r;
  for (int64_t i = 0; i < i0; ++i)
    r.push_back(chars[rng()() % (sizeof(chars) - 1)]);
  out = value(std::move(r));
  return true;
}

} // namespace

// Adds std::type, std::math, std::integer, std::float, std::range and std::random.
void register_math_types_natives(native_table& t) {
  t.insert({
    {"type::is_null", {type_is_null, 1, 1}},
    {"type::is_bool", {type_is_bool, 1, 1}},
    {"type::is_integer", {type_is_integer, 1, 1}},
    {"type::is_float", {type_is_float, 1, 1}},
    {"type::is_number", {type_is_number, 1, 1}},
    {"type::is_string", {type_is_string, 1, 1}},
    {"type::is_array", {type_is_array, 1, 1}},
    {"type::is_record", {type_is_record, 1, 1}},
    {"type::is_binary", {type_is_binary, 1, 1}},
    {"type::as_string", {type_as_string, 1, 1}},
    {"math::floor", {math_floor, 1, 1}},
    {"math::ceil", {math_ceil, 1, 1}},
    {"math::round", {math_round, 1, 1}},
    {"math::trunc", {math_trunc, 1, 1}},
    {"math::max", {math_max, 2, 2}},
    {"math::min", {math_min, 2, 2}},
    {"integer::parse", {integer_parse, 1, 1}},
    {"float::parse", {float_parse, 1, 1}},
    {"float::is_nan", {float_is_nan, 1, 1}},
    {"float::is_finite", {float_is_finite, 1, 1}},
    {"float::is_infinite", {float_is_infinite, 1, 1}},
    {"range::range", {range_range, 2, 2}},
    {"range::contains", {range_contains, 2, 2}},
    {"random::bool", {random_bool, 0, 0}},
    {"random::integer", {random_integer, 2, 2}},
    {"random::float", {random_float, 0, 2}},
    {"random::string", {random_string, 1, 1}},
  });
}

} // namespace temblor::dsl::intrinsics
