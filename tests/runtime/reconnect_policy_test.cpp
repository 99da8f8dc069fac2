#include <doctest/doctest.h>

#include "runtime/supervisor/reconnect_policy.hpp"

using namespace temblor;
using std::chrono::milliseconds;

namespace {

value retry(record body) { return value{record{{"retry", value{std::move(body)}}}}; }

backoff make(const value& config, backoff::random_fn random = {}) {
  reconnect_policy policy;
  std::string err;
  REQUIRE(reconnect_policy::parse(config, policy, err));
  return backoff{policy, std::move(random)};
}

} // namespace

TEST_SUITE("runtime.reconnect") {

TEST_CASE("retry waits grow by the growth rate when not randomized") {
  auto b = make(retry({{"interval_ms", 100}, {"growth_rate", 2}, {"randomized", false}}));
  for (int expected : {100, 200, 400, 800, 1600})
    CHECK(b.after_failed_connect() == milliseconds(expected));
}

TEST_CASE("max_retries allows exactly that many attempts") {
  auto b = make(retry({{"interval_ms", 10}, {"max_retries", 5}, {"randomized", false}}));
  for (int i = 0; i < 5; ++i)
    CHECK(b.after_failed_connect().has_value());
  CHECK_FALSE(b.after_failed_connect().has_value());
  b.reset();
  CHECK(b.after_failed_connect() == milliseconds(10));
}

TEST_CASE("randomized waits stay between the previous wait and previous times growth") {
  double r = 0.0;
  auto b = make(retry({{"interval_ms", 100}, {"growth_rate", 3}}), [&r] { return r; });
  CHECK(b.after_failed_connect() == milliseconds(100));
  r = 0.5;
  CHECK(b.after_failed_connect() == milliseconds(200)); // 100 + (300 - 100) * 0.5
  r = 0.999;
  auto third = b.after_failed_connect();
  REQUIRE(third.has_value());
  CHECK(*third >= milliseconds(200));
  CHECK(*third <= milliseconds(600));
}

TEST_CASE("the none policy never retries a failed connect but retries a lost one once") {
  auto b = make(value{record{{"none", value{}}}});
  CHECK_FALSE(b.after_failed_connect().has_value());
  CHECK(b.after_lost_connection() == milliseconds(1000));
  CHECK_FALSE(b.after_lost_connection().has_value());
  b.reset();
  CHECK(b.after_lost_connection() == milliseconds(1000));
}

TEST_CASE("a missing reconnect setting means none") {
  auto b = make(value{});
  CHECK_FALSE(b.after_failed_connect().has_value());
}

TEST_CASE("bad reconnect settings are rejected with the key named") {
  reconnect_policy policy;
  std::string err;
  CHECK_FALSE(reconnect_policy::parse(value{"retry"}, policy, err));
  CHECK_FALSE(reconnect_policy::parse(retry({{"interval", 5}}), policy, err));
  CHECK(err.find("interval") != std::string::npos);
  CHECK_FALSE(reconnect_policy::parse(retry({{"growth_rate", 2}}), policy, err));
  CHECK(err.find("interval_ms") != std::string::npos);
  CHECK_FALSE(reconnect_policy::parse(value{record{{"sometimes", value{}}}}, policy, err));
  CHECK(err.find("none, retry") != std::string::npos);
}

}
