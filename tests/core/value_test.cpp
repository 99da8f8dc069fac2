#include <doctest/doctest.h>

#include <algorithm>

#include "runtime/core/event.hpp"
#include "runtime/core/suggest.hpp"
#include "runtime/core/value.hpp"

using namespace temblor;

TEST_SUITE("core.value") {

TEST_CASE("values of different kinds order as Tremor orders them") {
  // record < array < string < number < bool < null
  std::vector<value> vs{value{}, value{true}, value{42}, value{"s"}, value{array{}},
                        value{record{}}};
  std::sort(vs.begin(), vs.end());
  CHECK(vs[0].is_record());
  CHECK(vs[1].is_array());
  CHECK(vs[2].is_string());
  CHECK(vs[3].is_integer());
  CHECK(vs[4].is_bool());
  CHECK(vs[5].is_null());
}

TEST_CASE("numbers compare across i64, u64 and f64") {
  CHECK(compare(value{-1}, value{uint64_t{18446744073709551615ull}}) < 0);
  CHECK(compare(value{1.5}, value{2}) < 0);
  CHECK(compare(value{3}, value{2.5}) > 0);
  CHECK(value{uint64_t{5}} == value{int64_t{5}});
  // Tremor's value equality keeps floats and integers apart.
  CHECK(value{1} != value{1.0});
}

TEST_CASE("records compare by size, then sorted keys, then values") {
  value small{record{{"z", 1}}};
  value big{record{{"a", 1}, {"b", 2}}};
  CHECK(compare(small, big) < 0);
  value a{record{{"a", 1}, {"b", 2}}};
  value b{record{{"b", 2}, {"a", 1}}};
  CHECK(a == b);
  CHECK(compare(a, b) == 0);
  value c{record{{"a", 1}, {"c", 0}}};
  CHECK(compare(a, c) < 0);
  value d{record{{"a", 2}, {"b", 2}}};
  CHECK(compare(a, d) < 0);
}

TEST_CASE("arrays compare element-wise, then by length") {
  CHECK(compare(value{array{1, 2}}, value{array{1, 3}}) < 0);
  CHECK(compare(value{array{1, 2}}, value{array{1, 2, 0}}) < 0);
  CHECK(compare(value{array{2}}, value{array{1, 9}}) > 0);
}

TEST_CASE("strings and bytes with equal contents are equal") {
  CHECK(value{"abc"} == value{bytes{"abc"}});
  CHECK(compare(value{"abc"}, value{"abd"}) < 0);
}

TEST_CASE("record set replaces and keeps insertion order") {
  record r;
  r.set("b", 1);
  r.set("a", 2);
  r.set("b", 3);
  REQUIRE(r.size() == 2);
  CHECK(r.begin()->first == "b");
  CHECK(*r.find("b") == value{3});
  CHECK(r.erase("b"));
  CHECK_FALSE(r.erase("b"));
  CHECK(r.find("b") == nullptr);
}

TEST_CASE("unsigned values that fit in i64 are stored as i64") {
  CHECK(value{uint64_t{7}}.kind() == value_kind::i64);
  CHECK(value{uint64_t{1} << 63}.kind() == value_kind::u64);
}

}

TEST_SUITE("core.event") {

TEST_CASE("tracking merges pull ranges per stream") {
  event_id a{1, 0, 5};
  a.track(event_id{1, 0, 3});
  a.track(event_id{1, 0, 9});
  a.track(event_id{2, 7, 1});
  REQUIRE(a.origins().size() == 2);
  CHECK(a.origins()[0].min_pull == 3);
  CHECK(a.origins()[0].max_pull == 9);
  uint64_t stream = 0;
  CHECK(a.stream_of(2, stream));
  CHECK(stream == 7);
  CHECK_FALSE(a.stream_of(3, stream));
}

}

TEST_SUITE("core.suggest") {

TEST_CASE("a typo finds the closest name and a stranger finds none") {
  std::vector<std::string> names{"file", "stdio", "ws_client", "ws_server"};
  CHECK(closest_name("ws_clinet", names) == "ws_client");
  CHECK(closest_name("kafkaesque_thing", names).empty());
  CHECK(unknown_name_hint("fiel", names) == "did you mean `file`? available: file, stdio, ws_client, ws_server");
}

}
