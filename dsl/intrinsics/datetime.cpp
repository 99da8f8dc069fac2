#include "dsl/intrinsics/native_support.hpp"

#include <climits>
#include <cstdint>
#include <ctime>
#include <string_view>

#include "dsl/chrono_time.hpp"
#include "runtime/core/event.hpp"

namespace temblor::dsl::intrinsics {

namespace {

// 128-bit intermediates make overflow checks on i64/u64 arithmetic exact.
__extension__ typedef __int128 i128;

// -- std::time::nanos -------------------------------------------------------

bool scale(const value& v, int64_t factor, value& out, std::string& err, const char* fn) {
  int64_t i = 0;
  uint64_t u = 0;
  if (v.get_i64(i)) {
    i128 r = static_cast<i128>(i) * factor;
    if (r > INT64_MAX || r < INT64_MIN) {
      err = "Arithmetic overflow";
      return false;
    }
    out = value(static_cast<long long>(r));
    return true;
  }
  if (v.get_u64(u)) {
    i128 r = static_cast<i128>(u) * factor;
    if (r > static_cast<i128>(UINT64_MAX)) {
      err = "Arithmetic overflow";
      return false;
    }
    out = value(static_cast<unsigned long long>(r));
    return true;
  }
  // Like tremor's `*`, a float stays a float.
  double d = 0;
  if (v.get_f64(d)) {
    out = value(d * static_cast<double>(factor));
    return true;
  }
  return type_err(err, fn, "a number", v);
}

TEMBLOR_NATIVE(nanos_from_nanos) { return scale(a[0], 1, out, err, "nanos::from_nanos"); }
TEMBLOR_NATIVE(nanos_from_micros) { return scale(a[0], 1000, out, err, "nanos::from_micros"); }
TEMBLOR_NATIVE(nanos_from_millis) { return scale(a[0], 1000000, out, err, "nanos::from_millis"); }
TEMBLOR_NATIVE(nanos_from_seconds) { return scale(a[0], 1000000000LL, out, err, "nanos::from_seconds"); }
TEMBLOR_NATIVE(nanos_from_minutes) { return scale(a[0], 60LL * 1000000000LL, out, err, "nanos::from_minutes"); }
TEMBLOR_NATIVE(nanos_from_hours) { return scale(a[0], 3600LL * 1000000000LL, out, err, "nanos::from_hours"); }
TEMBLOR_NATIVE(nanos_from_days) { return scale(a[0], 86400LL * 1000000000LL, out, err, "nanos::from_days"); }

// -- std::datetime (UTC) ------------------------------------------------------------

TEMBLOR_NATIVE(datetime_format) {
  TEMBLOR_WANT_INT(0, "datetime::format");
  TEMBLOR_WANT_STR(1, "datetime::format");
  std::string r, e;
  if (!chrono_time::format(i0, s1, r, e)) {
    err = "datetime::format: " + e;
    return false;
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(datetime_parse) {
  TEMBLOR_WANT_STR(0, "datetime::parse");
  TEMBLOR_WANT_STR(1, "datetime::parse");
  int64_t ns = 0;
  std::string e;
  if (!chrono_time::parse(s0, s1, ns, e)) {
    err = "datetime::parse: " + e;
    return false;
  }
  out = value(static_cast<long long>(ns));
  return true;
}
TEMBLOR_NATIVE(datetime_today) {
  (void)a;
  out = value(static_cast<unsigned long long>(now_ns() / 86400000000000ULL * 86400000000000ULL));
  return true;
}

bool datetime_tm(const value* a, struct tm& tm, int64_t& ns, std::string& err, const char* fn) {
  if (!a[0].get_i64(ns))
    return type_err(err, fn, "an integer (ns since the epoch)", a[0]);
  time_t secs = static_cast<time_t>(ns / 1000000000LL);
  if (ns < 0 && ns % 1000000000LL != 0)
    --secs;
  gmtime_r(&secs, &tm);
  return true;
}
#define TEMBLOR_DT_FIELD(fname, expr_)                                                                     \
  TEMBLOR_NATIVE(fname) {                                                                                  \
    struct tm tm {};                                                                               \
    int64_t ns = 0;                                                                                \
    if (!datetime_tm(a, tm, ns, err, #fname))                                                      \
      return false;                                                                                \
    out = value(static_cast<long long>(expr_));                                                    \
    return true;                                                                                   \
  }
// ISO 8601: weeks start on Monday and week 1 holds the year's first
// Thursday, so early January can be in the previous year's last week and
// late December in the next year's week 1.
int iso_weeks_in(int year) {
  // A year has 53 weeks when it starts on a Thursday, or on a Wednesday in a
  // leap year; p(y) is the weekday of Dec 31 (0 = Sunday).
  auto p = [](int y) { return (y + y / 4 - y / 100 + y / 400) % 7; };
  return (p(year) == 4 || p(year - 1) == 3) ? 53 : 52;
}
int iso_week(const struct tm& tm) {
  int year = tm.tm_year + 1900;
  int weekday = tm.tm_wday == 0 ? 7 : tm.tm_wday; // Monday = 1 … Sunday = 7
  int week = (tm.tm_yday + 1 - weekday + 10) / 7;
  if (week < 1)
    return iso_weeks_in(year - 1);
  if (week > iso_weeks_in(year))
    return 1;
  return week;
}
int64_t sub_second(int64_t ns) { return ((ns % 1000000000LL) + 1000000000LL) % 1000000000LL; }
TEMBLOR_DT_FIELD(datetime_year, tm.tm_year + 1900)
TEMBLOR_DT_FIELD(datetime_month, tm.tm_mon + 1)
TEMBLOR_DT_FIELD(datetime_day, tm.tm_mday)
TEMBLOR_DT_FIELD(datetime_hour, tm.tm_hour)
TEMBLOR_DT_FIELD(datetime_minute, tm.tm_min)
TEMBLOR_DT_FIELD(datetime_second, tm.tm_sec)
TEMBLOR_DT_FIELD(datetime_millisecond, sub_second(ns) / 1000000)
TEMBLOR_DT_FIELD(datetime_microsecond, sub_second(ns) / 1000)
TEMBLOR_DT_FIELD(datetime_nanosecond, sub_second(ns))
TEMBLOR_DT_FIELD(datetime_subsecond, sub_second(ns))
TEMBLOR_DT_FIELD(datetime_day_of_month, tm.tm_mday)
TEMBLOR_DT_FIELD(datetime_iso_week, iso_week(tm))
// Rounds to the nearest multiple of `unit` ns, a half rounding up (later
// in time); `truncate` drops the remainder instead.
bool datetime_round(const value* a, value& out, std::string& err, const char* fn, int64_t unit, bool truncate) {
  int64_t ns = 0;
  if (!a[0].get_i64(ns))
    return type_err(err, fn, "an integer (ns since the epoch)", a[0]);
  int64_t rem = ((ns % unit) + unit) % unit;
  __extension__ __int128 r = static_cast<__int128>(ns) - rem;
  if (!truncate && rem * 2 >= unit)
    r += unit;
  if (r > INT64_MAX) {
    err = "Arithmetic overflow";
    return false;
  }
  out = value(static_cast<long long>(r));
  return true;
}
TEMBLOR_NATIVE(datetime_to_nearest_millisecond) {
  return datetime_round(a, out, err, "datetime::to_nearest_millisecond", 1000000LL, false);
}
TEMBLOR_NATIVE(datetime_to_nearest_microsecond) {
  return datetime_round(a, out, err, "datetime::to_nearest_microsecond", 1000LL, false);
}
TEMBLOR_NATIVE(datetime_to_nearest_second) {
  return datetime_round(a, out, err, "datetime::to_nearest_second", 1000000000LL, false);
}
TEMBLOR_NATIVE(datetime_without_subseconds) {
  return datetime_round(a, out, err, "datetime::without_subseconds", 1000000000LL, true);
}

// Tremor renders these with chrono's `to_rfc3339()` / `to_rfc2822()` on a
// UTC DateTime: an offset of +00:00 and only as many fraction digits (0, 3,
// 6 or 9) as the value needs.
bool datetime_fixed(const value* a, value& out, std::string& err, const char* fn, std::string_view fmt) {
  int64_t ns = 0;
  if (!a[0].get_i64(ns))
    return type_err(err, fn, "an integer (ns since the epoch)", a[0]);
  std::string r, e;
  if (!chrono_time::format(ns, fmt, r, e)) {
    err = std::string(fn) + ": " + e;
    return false;
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(datetime_iso8601) { return datetime_fixed(a, out, err, "datetime::iso8601", "%+"); }
TEMBLOR_NATIVE(datetime_rfc3339) { return datetime_fixed(a, out, err, "datetime::rfc3339", "%+"); }
TEMBLOR_NATIVE(datetime_rfc2822) {
  return datetime_fixed(a, out, err, "datetime::rfc2822", "%a, %d %b %Y %H:%M:%S +0000");
}

// Reads the date-times people write: RFC 3339 / ISO 8601 (with or without
// an offset, `T` or a space, fractions), RFC 2822, a bare date, month-name
// dates, and unix timestamps in seconds, milliseconds, microseconds or
// nanoseconds (told apart by their digit count). No offset means UTC.
TEMBLOR_NATIVE(datetime_from_human_format) {
  TEMBLOR_WANT_STR(0, "datetime::from_human_format");
  std::string_view text = s0;
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  bool digits = !text.empty();
  for (char ch : text)
    digits = digits && ch >= '0' && ch <= '9';
  if (digits && text.size() <= 19) {
    int64_t v = std::stoll(std::string(text));
    int64_t scale = text.size() <= 10 ? 1000000000LL
                    : text.size() <= 13 ? 1000000LL
                    : text.size() <= 16 ? 1000LL
                                        : 1LL;
    i128 r = static_cast<i128>(v) * scale;
    if (r <= INT64_MAX) {
      out = value(static_cast<long long>(r));
      return true;
    }
  }
  static const char* const formats[] = {
    "%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%S%.f",    "%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.fZ",   "%Y-%m-%d %H:%M:%S%.f",    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S UTC",   "%Y-%m-%d %H:%M",          "%a, %d %b %Y %H:%M:%S %z",
    "%a, %d %b %Y %H:%M:%S GMT", "%d %b %Y %H:%M:%S %z",  "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",       "%B %d, %Y %H:%M:%S",      "%b %d, %Y %H:%M:%S",
  };
  // A bare date is its midnight, UTC.
  static const char* const dates[] = {"%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%B %d, %Y",
                                      "%b %d, %Y", "%d %B %Y",  "%d %b %Y"};
  int64_t ns = 0;
  std::string e;
  for (const char* f : formats) {
    if (chrono_time::parse(text, f, ns, e)) {
      out = value(static_cast<long long>(ns));
      return true;
    }
  }
  std::string midnight = std::string(text) + " 00:00:00";
  for (const char* f : dates) {
    if (chrono_time::parse(midnight, std::string(f) + " %H:%M:%S", ns, e)) {
      out = value(static_cast<long long>(ns));
      return true;
    }
  }
  err = "datetime::from_human_format: `" + s0 + "` is not a date-time this function reads";
  return false;
}

} // namespace

// Adds std::time::nanos (also as `nanos::`) and std::datetime.
void register_datetime_natives(native_table& t) {
  t.insert({
    {"time::nanos::from_nanos", {nanos_from_nanos, 1, 1}},
    {"time::nanos::from_micros", {nanos_from_micros, 1, 1}},
    {"time::nanos::from_millis", {nanos_from_millis, 1, 1}},
    {"time::nanos::from_seconds", {nanos_from_seconds, 1, 1}},
    {"time::nanos::from_minutes", {nanos_from_minutes, 1, 1}},
    {"time::nanos::from_hours", {nanos_from_hours, 1, 1}},
    {"time::nanos::from_days", {nanos_from_days, 1, 1}},
    {"nanos::from_nanos", {nanos_from_nanos, 1, 1}},
    {"nanos::from_micros", {nanos_from_micros, 1, 1}},
    {"nanos::from_millis", {nanos_from_millis, 1, 1}},
    {"nanos::from_seconds", {nanos_from_seconds, 1, 1}},
    {"nanos::from_minutes", {nanos_from_minutes, 1, 1}},
    {"nanos::from_hours", {nanos_from_hours, 1, 1}},
    {"nanos::from_days", {nanos_from_days, 1, 1}},
    {"datetime::format", {datetime_format, 2, 2}},
    {"datetime::parse", {datetime_parse, 2, 2}},
    {"datetime::today", {datetime_today, 0, 0}},
    {"datetime::year", {datetime_year, 1, 1}},
    {"datetime::month", {datetime_month, 1, 1}},
    {"datetime::day", {datetime_day, 1, 1}},
    {"datetime::hour", {datetime_hour, 1, 1}},
    {"datetime::minute", {datetime_minute, 1, 1}},
    {"datetime::second", {datetime_second, 1, 1}},
    {"datetime::millisecond", {datetime_millisecond, 1, 1}},
    {"datetime::microsecond", {datetime_microsecond, 1, 1}},
    {"datetime::nanosecond", {datetime_nanosecond, 1, 1}},
    {"datetime::subsecond", {datetime_subsecond, 1, 1}},
    {"datetime::day_of_month", {datetime_day_of_month, 1, 1}},
    {"datetime::iso_week", {datetime_iso_week, 1, 1}},
    {"datetime::from_human_format", {datetime_from_human_format, 1, 1}},
    {"datetime::iso8601", {datetime_iso8601, 1, 1}},
    {"datetime::rfc3339", {datetime_rfc3339, 1, 1}},
    {"datetime::rfc2822", {datetime_rfc2822, 1, 1}},
    {"datetime::to_nearest_millisecond", {datetime_to_nearest_millisecond, 1, 1}},
    {"datetime::to_nearest_microsecond", {datetime_to_nearest_microsecond, 1, 1}},
    {"datetime::to_nearest_second", {datetime_to_nearest_second, 1, 1}},
    {"datetime::without_subseconds", {datetime_without_subseconds, 1, 1}},
  });
}

} // namespace temblor::dsl::intrinsics
