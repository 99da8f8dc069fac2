#include "dsl/chrono_time.hpp"

#include <array>
#include <climits>
#include <cctype>
#include <cstdio>
#include <optional>

namespace temblor::dsl::chrono_time {

namespace {

constexpr int64_t ns_per_sec = 1000000000LL;

const char* const short_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const long_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const short_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const long_days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

// Proleptic Gregorian day arithmetic (H. Hinnant's civil algorithms):
// exact for every year an i64 nanosecond timestamp can reach.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_year(int64_t y) { return is_leap(y) ? 366 : 365; }
unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}
// 0 = Sunday, as %w counts.
int weekday_of(int64_t days) { return static_cast<int>(((days % 7) + 7 + 4) % 7); }

struct broken_down {
  int64_t secs = 0; ///< since the epoch, floored
  uint32_t nanos = 0;
  int64_t year = 0;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int wday = 0; ///< 0 = Sunday
  int yday = 0; ///< 0-based
  int64_t iso_year = 0;
  int iso_week = 1;
};

broken_down split(int64_t ns) {
  broken_down b;
  b.secs = ns / ns_per_sec;
  int64_t rem = ns % ns_per_sec;
  if (rem < 0) {
    rem += ns_per_sec;
    --b.secs;
  }
  b.nanos = static_cast<uint32_t>(rem);
  int64_t days = b.secs / 86400;
  int64_t sod = b.secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  civil_from_days(days, b.year, b.month, b.day);
  b.hour = static_cast<unsigned>(sod / 3600);
  b.minute = static_cast<unsigned>(sod / 60 % 60);
  b.second = static_cast<unsigned>(sod % 60);
  b.wday = weekday_of(days);
  b.yday = static_cast<int>(days - days_from_civil(b.year, 1, 1));
  // ISO 8601 week: the week (Monday first) holding the year's first Thursday is week 1.
  int thursday = b.yday - (b.wday + 6) % 7 + 3;
  b.iso_year = b.year;
  if (thursday < 0) {
    b.iso_year = b.year - 1;
    thursday += days_in_year(b.iso_year);
  } else if (thursday >= days_in_year(b.year)) {
    thursday -= days_in_year(b.year);
    b.iso_year = b.year + 1;
  }
  b.iso_week = thursday / 7 + 1;
  return b;
}

// Writes `v` padded to `width` with `pad` ('0', ' ', or 0 for no padding).
void put_num(std::string& out, int64_t v, int width, char pad) {
  char buf[32];
  bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  int n = std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(u));
  if (neg)
    out.push_back('-');
  if (pad != 0)
    for (int i = n + (neg ? 1 : 0); i < width; ++i)
      out.push_back(pad);
  out.append(buf, static_cast<size_t>(n));
}

void put_frac(std::string& out, uint32_t nanos, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%09u", nanos);
  out.append(buf, static_cast<size_t>(digits));
}

// chrono's %.f: the shortest of 0, 3, 6 or 9 digits that is exact.
void put_auto_frac(std::string& out, uint32_t nanos) {
  if (nanos == 0)
    return;
  out.push_back('.');
  put_frac(out, nanos, nanos % 1000000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9);
}

bool format_spec(const broken_down& b, std::string_view fmt, size_t& i, std::string& out, std::string& err);

// Appends `fmt` with every specifier expanded (also used for composites such as %D, %T).
bool format_with(const broken_down& b, std::string_view fmt, std::string& out, std::string& err) {
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out.push_back(fmt[i]);
      continue;
    }
    ++i;
    if (!format_spec(b, fmt, i, out, err))
      return false;
  }
  return true;
}

// `i` points just past the '%'; on return it points at the last consumed byte.
bool format_spec(const broken_down& b, std::string_view fmt, size_t& i, std::string& out, std::string& err) {
  auto bad = [&]() {
    err = "bad or unsupported format string";
    return false;
  };
  if (i >= fmt.size())
    return bad();
  std::optional<char> pad_override;
  if (fmt[i] == '-' || fmt[i] == '_' || fmt[i] == '0') {
    pad_override = fmt[i] == '-' ? '\0' : fmt[i] == '_' ? ' ' : '0';
    if (++i >= fmt.size())
      return bad();
  }
  auto num = [&](int64_t v, int width, char pad) { put_num(out, v, width, pad_override ? *pad_override : pad); };
  char c = fmt[i];
  switch (c) {
    case 'Y':
      num(b.year, 4, '0');
      return true;
    case 'C':
      num(b.year / 100, 2, '0');
      return true;
    case 'y':
      num(((b.year % 100) + 100) % 100, 2, '0');
      return true;
    case 'm':
      num(b.month, 2, '0');
      return true;
    case 'b':
    case 'h':
      out += short_months[b.month - 1];
      return true;
    case 'B':
      out += long_months[b.month - 1];
      return true;
    case 'd':
      num(b.day, 2, '0');
      return true;
    case 'e':
      num(b.day, 2, ' ');
      return true;
    case 'a':
      out += short_days[b.wday];
      return true;
    case 'A':
      out += long_days[b.wday];
      return true;
    case 'w':
      num(b.wday, 1, '0');
      return true;
    case 'u':
      num(b.wday == 0 ? 7 : b.wday, 1, '0');
      return true;
    case 'j':
      num(b.yday + 1, 3, '0');
      return true;
    case 'U':
      num((b.yday + 7 - b.wday) / 7, 2, '0');
      return true;
    case 'W':
      num((b.yday + 7 - (b.wday + 6) % 7) / 7, 2, '0');
      return true;
    case 'G':
      num(b.iso_year, 4, '0');
      return true;
    case 'g':
      num(((b.iso_year % 100) + 100) % 100, 2, '0');
      return true;
    case 'V':
      num(b.iso_week, 2, '0');
      return true;
    case 'H':
      num(b.hour, 2, '0');
      return true;
    case 'k':
      num(b.hour, 2, ' ');
      return true;
    case 'I':
      num(b.hour % 12 == 0 ? 12 : b.hour % 12, 2, '0');
      return true;
    case 'l':
      num(b.hour % 12 == 0 ? 12 : b.hour % 12, 2, ' ');
      return true;
    case 'P':
      out += b.hour < 12 ? "am" : "pm";
      return true;
    case 'p':
      out += b.hour < 12 ? "AM" : "PM";
      return true;
    case 'M':
      num(b.minute, 2, '0');
      return true;
    case 'S':
      num(b.second, 2, '0');
      return true;
    case 'f':
      put_frac(out, b.nanos, 9);
      return true;
    case '.': {
      // %.f, %.3f, %.6f, %.9f
      if (i + 1 < fmt.size() && fmt[i + 1] == 'f') {
        ++i;
        put_auto_frac(out, b.nanos);
        return true;
      }
      if (i + 2 < fmt.size() && (fmt[i + 1] == '3' || fmt[i + 1] == '6' || fmt[i + 1] == '9') && fmt[i + 2] == 'f') {
        out.push_back('.');
        put_frac(out, b.nanos, fmt[i + 1] - '0');
        i += 2;
        return true;
      }
      return bad();
    }
    case '3':
    case '6':
    case '9':
      if (i + 1 < fmt.size() && fmt[i + 1] == 'f') {
        ++i;
        put_frac(out, b.nanos, c - '0');
        return true;
      }
      return bad();
    case 'D':
    case 'x':
      return format_with(b, "%m/%d/%y", out, err);
    case 'F':
      return format_with(b, "%Y-%m-%d", out, err);
    case 'v':
      return format_with(b, "%e-%b-%Y", out, err);
    case 'R':
      return format_with(b, "%H:%M", out, err);
    case 'T':
    case 'X':
      return format_with(b, "%H:%M:%S", out, err);
    case 'r':
      return format_with(b, "%I:%M:%S %p", out, err);
    case 'c':
      return format_with(b, "%a %b %e %H:%M:%S %Y", out, err);
    case '+':
      // chrono's RFC 3339 rendering for a UTC DateTime.
      if (!format_with(b, "%Y-%m-%dT%H:%M:%S", out, err))
        return false;
      put_auto_frac(out, b.nanos);
      out += "+00:00";
      return true;
    case 'Z':
      out += "UTC";
      return true;
    case 'z':
      out += "+0000";
      return true;
    case ':':
      if (i + 1 < fmt.size() && fmt[i + 1] == 'z') {
        ++i;
        out += "+00:00";
        return true;
      }
      return bad();
    case '#':
      // chrono documents %#z as a parsing-only specifier; formatting it the
      // way %z does is the useful reading.
      if (i + 1 < fmt.size() && fmt[i + 1] == 'z') {
        ++i;
        out += "+0000";
        return true;
      }
      return bad();
    case 's':
      num(b.secs, 1, '0');
      return true;
    case 't':
      out.push_back('\t');
      return true;
    case 'n':
      out.push_back('\n');
      return true;
    case '%':
      out.push_back('%');
      return true;
    default:
      return bad();
  }
}

// -- parsing --------------------------------------------------------------------

struct parsed_fields {
  std::optional<int64_t> year, century, year_mod_100, iso_year;
  std::optional<int64_t> month, day, ordinal, iso_week, weekday; ///< weekday: 0 = Sunday
  std::optional<int64_t> hour, hour12, minute, second, nanos, timestamp, offset_secs;
  std::optional<bool> pm;
};

struct parser {
  std::string_view text;
  size_t pos = 0;
  parsed_fields f;
  std::string& err;

  bool fail(const char* what) {
    err = std::string(what) + " at position " + std::to_string(pos);
    return false;
  }
  bool invalid() { return fail("input contains invalid characters"); }
  bool at_end() const { return pos >= text.size(); }
  void skip_ws() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }

  // Reads between `min` and `max` digits, with an optional sign when `signed_`.
  bool number(int min, int max, bool signed_, int64_t& v) {
    skip_ws();
    bool neg = false;
    if (signed_ && !at_end() && (text[pos] == '+' || text[pos] == '-')) {
      neg = text[pos] == '-';
      ++pos;
      max = 18;
    }
    int n = 0;
    v = 0;
    while (n < max && !at_end() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (v > (INT64_MAX - 9) / 10)
        return fail("input is out of range");
      v = v * 10 + (text[pos] - '0');
      ++pos;
      ++n;
    }
    if (n < min)
      return at_end() ? fail("premature end of input") : invalid();
    if (neg)
      v = -v;
    return true;
  }

  bool set(std::optional<int64_t>& slot, int64_t v) {
    if (slot && *slot != v)
      return fail("no possible date and time matching input");
    slot = v;
    return true;
  }

  bool field(std::optional<int64_t>& slot, int min, int max, int64_t lo, int64_t hi) {
    int64_t v = 0;
    size_t start = pos;
    if (!number(min, max, false, v))
      return false;
    if (v < lo || v > hi) {
      pos = start;
      return fail("input is out of range");
    }
    return set(slot, v);
  }

  // Case-insensitive match of one of `names` (long forms tried first).
  bool name(const char* const* longs, const char* const* shorts, int count, int64_t& idx) {
    skip_ws();
    for (int pass = 0; pass < 2; ++pass) {
      const char* const* names = pass == 0 ? longs : shorts;
      for (int k = 0; k < count; ++k) {
        std::string_view nm = names[k];
        if (text.size() - pos < nm.size())
          continue;
        bool ok = true;
        for (size_t j = 0; j < nm.size() && ok; ++j)
          ok = std::tolower(static_cast<unsigned char>(text[pos + j])) ==
               std::tolower(static_cast<unsigned char>(nm[j]));
        if (ok) {
          pos += nm.size();
          idx = k;
          return true;
        }
      }
    }
    return at_end() ? fail("premature end of input") : invalid();
  }

  // Fractional digits after an optional '.', scaled to nanoseconds; digits
  // past the ninth are read and dropped, as chrono does.
  bool fraction(bool need_dot, int exact_digits) {
    if (!at_end() && text[pos] == '.')
      ++pos;
    else if (need_dot)
      return f.nanos ? true : set(f.nanos, 0);
    int64_t v = 0;
    int n = 0;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(text[pos])) &&
           (exact_digits == 0 || n < exact_digits)) {
      if (n < 9)
        v = v * 10 + (text[pos] - '0');
      ++pos;
      ++n;
    }
    if (n == 0 || (exact_digits != 0 && n != exact_digits))
      return at_end() ? fail("premature end of input") : invalid();
    for (int k = n; k < 9; ++k)
      v *= 10;
    return set(f.nanos, v);
  }

  // +hh[:]mm (or +hh when `permissive`; then also Z).
  bool offset(bool permissive) {
    skip_ws();
    if (at_end())
      return fail("premature end of input");
    if (permissive && (text[pos] == 'Z' || text[pos] == 'z')) {
      ++pos;
      return set(f.offset_secs, 0);
    }
    if (text[pos] != '+' && text[pos] != '-')
      return invalid();
    bool neg = text[pos] == '-';
    ++pos;
    auto two = [&](int64_t& v) {
      if (text.size() - pos < 2 || !std::isdigit(static_cast<unsigned char>(text[pos])) ||
          !std::isdigit(static_cast<unsigned char>(text[pos + 1])))
        return false;
      v = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
      pos += 2;
      return true;
    };
    int64_t h = 0, m = 0;
    if (!two(h))
      return at_end() ? fail("premature end of input") : invalid();
    size_t before_minutes = pos;
    if (!at_end() && (text[pos] == ':' || text[pos] == ' '))
      ++pos;
    if (!two(m)) {
      if (!permissive)
        return at_end() ? fail("premature end of input") : invalid();
      pos = before_minutes;
      m = 0;
    }
    if (m >= 60)
      return fail("input is out of range");
    int64_t secs = h * 3600 + m * 60;
    return set(f.offset_secs, neg ? -secs : secs);
  }

  bool literal(char c) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      skip_ws();
      return true;
    }
    if (at_end())
      return fail("premature end of input");
    if (text[pos] != c)
      return invalid();
    ++pos;
    return true;
  }

  bool run(std::string_view fmt);
  bool spec(std::string_view fmt, size_t& i);
};

bool parser::run(std::string_view fmt) {
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      if (!literal(fmt[i]))
        return false;
      continue;
    }
    ++i;
    if (!spec(fmt, i))
      return false;
  }
  return true;
}

bool parser::spec(std::string_view fmt, size_t& i) {
  auto bad = [&]() {
    err = "bad or unsupported format string";
    return false;
  };
  if (i >= fmt.size())
    return bad();
  if (fmt[i] == '-' || fmt[i] == '_' || fmt[i] == '0') {
    if (++i >= fmt.size())
      return bad();
  }
  int64_t idx = 0;
  switch (fmt[i]) {
    case 'Y': {
      int64_t v = 0;
      return number(1, 4, true, v) && set(f.year, v);
    }
    case 'C':
      return field(f.century, 1, 2, 0, 99);
    case 'y':
      return field(f.year_mod_100, 1, 2, 0, 99);
    case 'G': {
      int64_t v = 0;
      return number(1, 4, true, v) && set(f.iso_year, v);
    }
    case 'g': {
      int64_t v = 0;
      if (!number(1, 2, false, v))
        return false;
      return set(f.iso_year, v < 70 ? 2000 + v : 1900 + v);
    }
    case 'V':
      return field(f.iso_week, 1, 2, 1, 53);
    case 'm':
      return field(f.month, 1, 2, 1, 12);
    case 'b':
    case 'h':
    case 'B':
      return name(long_months, short_months, 12, idx) && set(f.month, idx + 1);
    case 'd':
    case 'e':
      return field(f.day, 1, 2, 1, 31);
    case 'a':
    case 'A':
      return name(long_days, short_days, 7, idx) && set(f.weekday, idx);
    case 'w':
      return field(f.weekday, 1, 1, 0, 6);
    case 'u': {
      int64_t v = 0;
      size_t start = pos;
      if (!number(1, 1, false, v))
        return false;
      if (v < 1 || v > 7) {
        pos = start;
        return fail("input is out of range");
      }
      return set(f.weekday, v % 7);
    }
    case 'j':
      return field(f.ordinal, 1, 3, 1, 366);
    case 'U':
    case 'W': {
      // Week numbers that do not start on Monday-ISO carry no date on their
      // own here; they are read and checked for range only.
      std::optional<int64_t> ignored;
      return field(ignored, 1, 2, 0, 53);
    }
    case 'H':
    case 'k':
      return field(f.hour, 1, 2, 0, 23);
    case 'I':
    case 'l':
      return field(f.hour12, 1, 2, 1, 12);
    case 'p':
    case 'P': {
      skip_ws();
      if (text.size() - pos < 2)
        return fail("premature end of input");
      char a = static_cast<char>(std::tolower(static_cast<unsigned char>(text[pos])));
      char m = static_cast<char>(std::tolower(static_cast<unsigned char>(text[pos + 1])));
      if ((a != 'a' && a != 'p') || m != 'm')
        return invalid();
      pos += 2;
      f.pm = a == 'p';
      return true;
    }
    case 'M':
      return field(f.minute, 1, 2, 0, 59);
    case 'S':
      return field(f.second, 1, 2, 0, 60);
    case 'f': {
      // chrono reads %f as a plain count of nanoseconds (up to 9 digits).
      int64_t v = 0;
      return number(1, 9, false, v) && set(f.nanos, v);
    }
    case '.':
      if (i + 1 < fmt.size() && fmt[i + 1] == 'f') {
        ++i;
        return fraction(true, 0);
      }
      if (i + 2 < fmt.size() && (fmt[i + 1] == '3' || fmt[i + 1] == '6' || fmt[i + 1] == '9') && fmt[i + 2] == 'f') {
        i += 2;
        return fraction(true, 0);
      }
      return bad();
    case '3':
    case '6':
    case '9':
      if (i + 1 < fmt.size() && fmt[i + 1] == 'f') {
        int digits = fmt[i] - '0';
        ++i;
        if (!at_end() && text[pos] == '.')
          return invalid();
        return fraction(false, digits);
      }
      return bad();
    case 'D':
    case 'x':
      return run("%m/%d/%y");
    case 'F':
      return run("%Y-%m-%d");
    case 'v':
      return run("%e-%b-%Y");
    case 'R':
      return run("%H:%M");
    case 'T':
    case 'X':
      return run("%H:%M:%S");
    case 'r':
      return run("%I:%M:%S %p");
    case 'c':
      return run("%a %b %e %H:%M:%S %Y");
    case '+': {
      if (!run("%Y-%m-%d"))
        return false;
      if (at_end())
        return fail("premature end of input");
      if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')
        return invalid();
      ++pos;
      if (!run("%H:%M:%S"))
        return false;
      if (!at_end() && text[pos] == '.' && !fraction(true, 0))
        return false;
      return offset(true);
    }
    case 'Z':
      // A zone name carries no offset chrono could use; it is skipped.
      skip_ws();
      while (!at_end() && !std::isspace(static_cast<unsigned char>(text[pos])))
        ++pos;
      return true;
    case 'z':
      return offset(false);
    case ':':
      if (i + 1 < fmt.size() && fmt[i + 1] == 'z') {
        ++i;
        return offset(false);
      }
      return bad();
    case '#':
      if (i + 1 < fmt.size() && fmt[i + 1] == 'z') {
        ++i;
        return offset(true);
      }
      return bad();
    case 's': {
      int64_t v = 0;
      return number(1, 19, true, v) && set(f.timestamp, v);
    }
    case 't':
    case 'n':
      skip_ws();
      return true;
    case '%':
      return literal('%');
    default:
      return bad();
  }
}

} // namespace

bool format(int64_t ns, std::string_view fmt, std::string& out, std::string& err) {
  out.clear();
  return format_with(split(ns), fmt, out, err);
}

bool parse(std::string_view text, std::string_view fmt, int64_t& ns, std::string& err) {
  parser p{text, 0, {}, err};
  if (!p.run(fmt))
    return false;
  if (!p.at_end())
    return p.fail("trailing input");
  parsed_fields& f = p.f;
  auto fail = [&](const char* what) {
    err = what;
    return false;
  };
  __extension__ typedef __int128 i128;
  i128 total = 0;
  if (f.timestamp) {
    total = static_cast<i128>(*f.timestamp) * ns_per_sec + f.nanos.value_or(0);
  } else {
    // The date.
    std::optional<int64_t> year = f.year;
    if (!year && f.year_mod_100) {
      int64_t yy = *f.year_mod_100;
      year = f.century ? *f.century * 100 + yy : (yy < 70 ? 2000 + yy : 1900 + yy);
    }
    // Far beyond what i64 nanoseconds reach; keeps the day arithmetic exact.
    const auto sane = [](const std::optional<int64_t>& y) { return !y || (*y > -1000000 && *y < 1000000); };
    if (!sane(year) || !sane(f.iso_year))
      return fail("input is out of range");
    int64_t days = 0;
    if (year && f.month && f.day) {
      if (*f.day > days_in_month(*year, static_cast<unsigned>(*f.month)))
        return fail("input is out of range");
      days = days_from_civil(*year, static_cast<unsigned>(*f.month), static_cast<unsigned>(*f.day));
    } else if (year && f.ordinal) {
      if (*f.ordinal > days_in_year(*year))
        return fail("input is out of range");
      days = days_from_civil(*year, 1, 1) + *f.ordinal - 1;
    } else if (f.iso_year && f.iso_week && f.weekday) {
      // Monday of week 1 is the Monday on or before January 4th.
      int64_t jan4 = days_from_civil(*f.iso_year, 1, 4);
      int64_t week1 = jan4 - (weekday_of(jan4) + 6) % 7;
      days = week1 + (*f.iso_week - 1) * 7 + (*f.weekday + 6) % 7;
    } else {
      return fail("input is not enough for unique date and time");
    }
    if (f.weekday && weekday_of(days) != *f.weekday)
      return fail("no possible date and time matching input");
    // The time of day: hours and minutes are required, seconds are not.
    int64_t hour = 0;
    if (f.hour) {
      hour = *f.hour;
      if (f.pm && (*f.pm != (hour >= 12)))
        return fail("no possible date and time matching input");
    } else if (f.hour12 && f.pm) {
      hour = *f.hour12 % 12 + (*f.pm ? 12 : 0);
    } else {
      return fail("input is not enough for unique date and time");
    }
    if (!f.minute)
      return fail("input is not enough for unique date and time");
    total = (static_cast<i128>(days) * 86400 + hour * 3600 + *f.minute * 60 + f.second.value_or(0)) * ns_per_sec +
            f.nanos.value_or(0);
    if (f.offset_secs)
      total -= static_cast<i128>(*f.offset_secs) * ns_per_sec;
  }
  if (total > INT64_MAX || total < INT64_MIN)
    return fail("input is out of range");
  ns = static_cast<int64_t>(total);
  return true;
}

} // namespace temblor::dsl::chrono_time
