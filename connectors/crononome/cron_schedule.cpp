#include "connectors/crononome/cron_schedule.hpp"

#include <cctype>
#include <iterator>
#include <utility>
#include <vector>

namespace temblor::connectors::crononome {

namespace {

struct named_value {
  std::string_view name;
  int value;
};

constexpr named_value month_names[] = {
  {"jan", 1}, {"january", 1},  {"feb", 2}, {"february", 2}, {"mar", 3},  {"march", 3},
  {"apr", 4}, {"april", 4},    {"may", 5}, {"jun", 6},      {"june", 6}, {"jul", 7},
  {"july", 7}, {"aug", 8},     {"august", 8}, {"sep", 9},   {"september", 9},
  {"oct", 10}, {"october", 10}, {"nov", 11}, {"november", 11}, {"dec", 12},
  {"december", 12}};

constexpr named_value day_names[] = {
  {"sun", 1},  {"sunday", 1},   {"mon", 2},   {"monday", 2}, {"tue", 3},
  {"tues", 3}, {"tuesday", 3},  {"wed", 4},   {"wednesday", 4}, {"thu", 5},
  {"thurs", 5}, {"thursday", 5}, {"fri", 6},  {"friday", 6}, {"sat", 7},
  {"saturday", 7}};

/// One field of the expression: its name, range and value names.
struct field_kind {
  std::string_view name;
  int min;
  int max;
  const named_value* names = nullptr;
  size_t name_count = 0;
};

constexpr field_kind fields[] = {
  {"seconds", 0, 59},
  {"minutes", 0, 59},
  {"hours", 0, 23},
  {"day of month", 1, 31},
  {"month", 1, 12, month_names, std::size(month_names)},
  {"day of week", 1, 7, day_names, std::size(day_names)},
  {"year", cron_schedule::first_year, cron_schedule::last_year},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Parses one value (a number or a name) of field `f`.
bool parse_value(const field_kind& f, std::string_view text, int& out, std::string& err) {
  if (text.empty()) {
    err = "a value is missing";
    return false;
  }
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    long v = 0;
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        err = "`" + std::string(text) + "` is not a number";
        return false;
      }
      v = v * 10 + (c - '0');
      if (v > 100000)
        break;
    }
    if (v < f.min || v > f.max) {
      err = std::string(text) + " is out of range " + std::to_string(f.min) + "-" +
            std::to_string(f.max);
      return false;
    }
    out = static_cast<int>(v);
    return true;
  }
  const std::string name = lower(text);
  for (size_t i = 0; i < f.name_count; ++i) {
    if (f.names[i].name == name) {
      out = f.names[i].value;
      return true;
    }
  }
  err = "`" + std::string(text) + "` is not a " + std::string(f.name) +
        (f.name_count > 0 ? "" : " (this field takes numbers only)");
  return false;
}

/// Parses one comma-separated item: `*`, `?`, `v`, `a-b`, each with an
/// optional `/step`.
bool parse_item(const field_kind& f, std::string_view item, std::vector<bool>& set,
                std::string& err) {
  int step = 1;
  bool stepped = false;
  if (auto slash = item.find('/'); slash != std::string_view::npos) {
    std::string_view step_text = item.substr(slash + 1);
    field_kind step_kind{"step", 1, 100000};
    if (!parse_value(step_kind, step_text, step, err)) {
      err = "step: " + err;
      return false;
    }
    item = item.substr(0, slash);
    stepped = true;
  }
  int first = f.min;
  int last = f.max;
  if (item == "*" || item == "?") {
    // the whole range
  } else if (auto dash = item.find('-'); dash != std::string_view::npos) {
    if (!parse_value(f, item.substr(0, dash), first, err) ||
        !parse_value(f, item.substr(dash + 1), last, err))
      return false;
    if (first > last) {
      err = "the range `" + std::string(item) + "` ends before it starts";
      return false;
    }
  } else {
    if (!parse_value(f, item, first, err))
      return false;
    // `x/n` runs from x to the end of the range; a bare `x` is just x.
    last = stepped ? f.max : first;
  }
  for (int v = first; v <= last; v += step)
    set[static_cast<size_t>(v)] = true;
  return true;
}

bool parse_field(const field_kind& f, std::string_view text, std::vector<bool>& set,
                 std::string& err) {
  set.assign(static_cast<size_t>(f.max) + 1, false);
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (!parse_item(f, item, set, err)) {
      err = std::string(f.name) + " field `" + std::string(text) + "`: " + err;
      return false;
    }
    if (comma == std::string_view::npos)
      return true;
    start = comma + 1;
  }
}

template <size_t N>
void copy_bits(const std::vector<bool>& from, int offset, std::bitset<N>& to) {
  to.reset();
  for (size_t i = static_cast<size_t>(offset); i < from.size(); ++i)
    if (from[i])
      to.set(i - static_cast<size_t>(offset));
}

std::vector<std::string_view> split_fields(std::string_view expr) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < expr.size()) {
    while (i < expr.size() && std::isspace(static_cast<unsigned char>(expr[i])))
      ++i;
    size_t start = i;
    while (i < expr.size() && !std::isspace(static_cast<unsigned char>(expr[i])))
      ++i;
    if (i > start)
      out.push_back(expr.substr(start, i - start));
  }
  return out;
}

std::string_view expand_shorthand(std::string_view expr) {
  const std::string name = lower(expr);
  if (name == "@yearly" || name == "@annually")
    return "0 0 0 1 1 * *";
  if (name == "@monthly")
    return "0 0 0 1 * * *";
  if (name == "@weekly")
    return "0 0 0 * * 1 *";
  if (name == "@daily")
    return "0 0 0 * * * *";
  if (name == "@hourly")
    return "0 0 * * * * *";
  return expr;
}

// -- civil time in UTC (Howard Hinnant's algorithms) ----------------------------

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct civil {
  int year;
  int month;
  int day;
};

civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return civil{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

/// 1 (Sunday) to 7 (Saturday); 1970-01-01 was a Thursday.
int day_of_week(int64_t days) {
  int64_t w = (days + 4) % 7;
  if (w < 0)
    w += 7;
  return static_cast<int>(w) + 1;
}

} // namespace

bool cron_schedule::parse(std::string_view expr, std::string& err) {
  auto parts = split_fields(expand_shorthand(expr));
  if (parts.size() != 6 && parts.size() != 7) {
    err = "a cron expression has 6 or 7 fields (seconds minutes hours day-of-month month "
          "day-of-week [year]), not " +
          std::to_string(parts.size());
    return false;
  }
  std::vector<bool> sets[7];
  for (size_t i = 0; i < 7; ++i) {
    std::string_view text = i < parts.size() ? parts[i] : std::string_view("*");
    if (!parse_field(fields[i], text, sets[i], err))
      return false;
  }
  copy_bits(sets[0], 0, seconds_);
  copy_bits(sets[1], 0, minutes_);
  copy_bits(sets[2], 0, hours_);
  copy_bits(sets[3], 0, days_of_month_);
  copy_bits(sets[4], 0, months_);
  copy_bits(sets[5], 0, days_of_week_);
  copy_bits(sets[6], first_year, years_);
  return true;
}

std::optional<int64_t> cron_schedule::next_after(int64_t unix_seconds) const {
  int64_t t = unix_seconds + 1;
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t second_of_day = t - days * 86400;
  civil date = civil_from_days(days);
  int hour = static_cast<int>(second_of_day / 3600);
  int minute = static_cast<int>(second_of_day / 60 % 60);
  int second = static_cast<int>(second_of_day % 60);
  if (date.year < first_year) {
    date = civil{first_year, 1, 1};
    hour = minute = second = 0;
  }
  // Each step moves to the start of the next candidate of the first field
  // that does not match, from the largest unit down.
  auto next_day = [&] {
    hour = minute = second = 0;
    if (++date.day > days_in_month(date.year, date.month)) {
      date.day = 1;
      if (++date.month > 12) {
        date.month = 1;
        ++date.year;
      }
    }
  };
  auto next_hour = [&] {
    minute = second = 0;
    if (++hour == 24)
      next_day();
  };
  auto next_minute = [&] {
    second = 0;
    if (++minute == 60)
      next_hour();
  };
  while (date.year <= last_year) {
    if (!years_.test(static_cast<size_t>(date.year - first_year))) {
      date = civil{date.year + 1, 1, 1};
      hour = minute = second = 0;
      continue;
    }
    if (!months_.test(static_cast<size_t>(date.month))) {
      date.day = 1;
      hour = minute = second = 0;
      if (++date.month > 12) {
        date.month = 1;
        ++date.year;
      }
      continue;
    }
    const int64_t day_number = days_from_civil(date.year, static_cast<unsigned>(date.month),
                                               static_cast<unsigned>(date.day));
    if (!days_of_month_.test(static_cast<size_t>(date.day)) ||
        !days_of_week_.test(static_cast<size_t>(day_of_week(day_number)))) {
      next_day();
      continue;
    }
    if (!hours_.test(static_cast<size_t>(hour))) {
      next_hour();
      continue;
    }
    if (!minutes_.test(static_cast<size_t>(minute))) {
      next_minute();
      continue;
    }
    if (!seconds_.test(static_cast<size_t>(second))) {
      if (++second == 60)
        next_minute();
      continue;
    }
    return day_number * 86400 + hour * 3600 + minute * 60 + second;
  }
  return std::nullopt;
}

} // namespace temblor::connectors::crononome
