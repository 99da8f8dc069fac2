#include <doctest/doctest.h>

#include <string>

#include "connectors/crononome/cron_schedule.hpp"

using temblor::connectors::crononome::cron_schedule;

namespace {

// 2024-03-15 10:20:30 UTC, a Friday.
constexpr int64_t friday = 1710498030;

int64_t at(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  // Days from civil, for readable expectations (independent of the code
  // under test: a plain loop over years and months).
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t n = 0;
  for (int year = 1970; year < y; ++year)
    n += (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 366 : 365;
  for (int month = 1; month < mo; ++month)
    n += days[month - 1] + (month == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 1 : 0);
  n += d - 1;
  return n * 86400 + h * 3600 + mi * 60 + s;
}

cron_schedule parsed(const std::string& expr) {
  cron_schedule s;
  std::string err;
  REQUIRE_MESSAGE(s.parse(expr, err), err);
  return s;
}

std::string parse_error(const std::string& expr) {
  cron_schedule s;
  std::string err;
  CHECK_FALSE(s.parse(expr, err));
  return err;
}

} // namespace

TEST_SUITE("connectors.crononome") {

TEST_CASE("cron schedule: the helper's civil time agrees with a known instant") {
  CHECK(at(2024, 3, 15, 10, 20, 30) == friday);
}

TEST_CASE("cron schedule: every second fires one second later, from whole seconds") {
  auto s = parsed("* * * * * *");
  CHECK(s.next_after(friday) == friday + 1);
  CHECK(s.next_after(friday + 1) == friday + 2);
}

TEST_CASE("cron schedule: a fixed time of day fires today if still ahead, else tomorrow") {
  auto s = parsed("0 0 12 * * *");
  CHECK(s.next_after(friday) == at(2024, 3, 15, 12));
  CHECK(s.next_after(at(2024, 3, 15, 12)) == at(2024, 3, 16, 12));
}

TEST_CASE("cron schedule: steps, ranges with steps, lists and starting points") {
  CHECK(parsed("*/15 * * * * *").next_after(friday) == at(2024, 3, 15, 10, 20, 45));
  CHECK(parsed("5/20 * * * * *").next_after(friday) == at(2024, 3, 15, 10, 20, 45));
  CHECK(parsed("5/20 * * * * *").next_after(at(2024, 3, 15, 10, 20, 45)) ==
        at(2024, 3, 15, 10, 21, 5));
  CHECK(parsed("0 10-30/10 * * * *").next_after(friday) == at(2024, 3, 15, 10, 30));
  CHECK(parsed("0 10-30/10 * * * *").next_after(at(2024, 3, 15, 10, 30)) ==
        at(2024, 3, 15, 11, 10));
  CHECK(parsed("0 0,45 * * * *").next_after(friday) == at(2024, 3, 15, 10, 45));
  CHECK(parsed("0 0 6,18 * * *").next_after(friday) == at(2024, 3, 15, 18));
}

TEST_CASE("cron schedule: days of the week count from Sunday = 1 and take names in any case") {
  // The day after Friday 2024-03-15 that is a Sunday is the 17th.
  CHECK(parsed("0 0 0 * * 1").next_after(friday) == at(2024, 3, 17));
  CHECK(parsed("0 0 0 * * SUN").next_after(friday) == at(2024, 3, 17));
  CHECK(parsed("0 0 0 * * sunday").next_after(friday) == at(2024, 3, 17));
  CHECK(parsed("0 30 9 * * Mon-Fri").next_after(friday) == at(2024, 3, 18, 9, 30));
  CHECK(parsed("0 0 0 * * 7").next_after(friday) == at(2024, 3, 16));
}

TEST_CASE("cron schedule: months take names, a day must match both day fields") {
  CHECK(parsed("0 0 0 1 JAN *").next_after(friday) == at(2025, 1, 1));
  CHECK(parsed("0 0 0 1 jul-aug *").next_after(friday) == at(2024, 7, 1));
  // Friday the 13th after 2024-03-15: 2024-09-13.
  CHECK(parsed("0 0 0 13 * FRI").next_after(friday) == at(2024, 9, 13));
}

TEST_CASE("cron schedule: the 29th of February waits for a leap year, the 31st skips short months") {
  CHECK(parsed("0 0 0 29 2 *").next_after(friday) == at(2028, 2, 29));
  CHECK(parsed("0 0 0 31 * *").next_after(at(2024, 4, 1)) == at(2024, 5, 31));
}

TEST_CASE("cron schedule: the year field bounds the schedule, a schedule may never fire") {
  auto s = parsed("0 0 0 1 1 * 2030");
  CHECK(s.next_after(friday) == at(2030, 1, 1));
  CHECK_FALSE(s.next_after(at(2030, 1, 1)).has_value());
  CHECK(parsed("0 0 0 1 1 * 2030-2032").next_after(at(2030, 1, 1)) == at(2031, 1, 1));
  CHECK_FALSE(parsed("0 0 0 30 2 *").next_after(friday).has_value());
}

TEST_CASE("cron schedule: the schedule crosses the end of a year") {
  CHECK(parsed("0 0 0 * * *").next_after(at(2024, 12, 31, 23, 59, 59)) == at(2025, 1, 1));
  CHECK(parsed("59 59 23 31 12 *").next_after(friday) == at(2024, 12, 31, 23, 59, 59));
}

TEST_CASE("cron schedule: shorthands stand for their schedules") {
  CHECK(parsed("@hourly").next_after(friday) == at(2024, 3, 15, 11));
  CHECK(parsed("@daily").next_after(friday) == at(2024, 3, 16));
  CHECK(parsed("@weekly").next_after(friday) == at(2024, 3, 17));
  CHECK(parsed("@monthly").next_after(friday) == at(2024, 4, 1));
  CHECK(parsed("@yearly").next_after(friday) == at(2025, 1, 1));
  CHECK(parsed("@annually").next_after(friday) == at(2025, 1, 1));
}

TEST_CASE("cron schedule: ? stands for any day, as in Quartz") {
  CHECK(parsed("0 0 0 ? * MON").next_after(friday) == at(2024, 3, 18));
}

TEST_CASE("cron schedule: bad expressions name the field and the fault") {
  CHECK(parse_error("* * * * *").find("6 or 7 fields") != std::string::npos);
  CHECK(parse_error("* * * * * * * *").find("not 8") != std::string::npos);
  CHECK(parse_error("60 * * * * *").find("seconds field `60`: 60 is out of range 0-59") !=
        std::string::npos);
  CHECK(parse_error("0 0 24 * * *").find("hours") != std::string::npos);
  CHECK(parse_error("0 0 0 0 * *").find("day of month") != std::string::npos);
  CHECK(parse_error("0 0 0 * FOO *").find("`FOO` is not a month") != std::string::npos);
  CHECK(parse_error("0 0 0 * * 8").find("day of week") != std::string::npos);
  CHECK(parse_error("0 0 0 * * * 1969").find("year") != std::string::npos);
  CHECK(parse_error("MON * * * * *").find("numbers only") != std::string::npos);
  CHECK(parse_error("0 30-10 * * * *").find("ends before it starts") != std::string::npos);
  CHECK(parse_error("*/0 * * * * *").find("step") != std::string::npos);
  CHECK(parse_error("1,,2 * * * * *").find("missing") != std::string::npos);
  CHECK(parse_error("1- * * * * *").find("missing") != std::string::npos);
}

}
