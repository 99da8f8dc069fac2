#pragma once

// Tremor's cron syntax (the Rust `cron` crate): six or seven fields,
//   seconds minutes hours day-of-month month day-of-week [year]
// each `*`, `?`, a value, a range `a-b`, a step `x/n` (from `x`, `*` or a
// range, every n) or a list of those; months take JAN…DEC, days of the week
// 1-7 from Sunday or SUN…SAT (names in any case, also spelt out); a day must
// match both day fields. `@yearly`, `@monthly`, `@weekly`, `@daily` and
// `@hourly` stand for their usual schedules. All times are UTC seconds.

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace temblor::connectors::crononome {

class cron_schedule {
public:
  /// Parses `expr`; false with `err` naming the field and what is wrong.
  bool parse(std::string_view expr, std::string& err);

  /// Returns the first time the schedule fires strictly after `unix_seconds`
  /// (a whole second), or nothing when it never fires again (up to 2100,
  /// the last year the syntax has).
  std::optional<int64_t> next_after(int64_t unix_seconds) const;

  static constexpr int first_year = 1970;
  static constexpr int last_year = 2100;

private:
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_; ///< 1-31
  std::bitset<13> months_;        ///< 1-12
  std::bitset<8> days_of_week_;   ///< 1 (Sunday) - 7 (Saturday)
  std::bitset<last_year - first_year + 1> years_;
};

} // namespace temblor::connectors::crononome
