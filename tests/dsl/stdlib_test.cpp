#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <set>

#include "dsl/chrono_time.hpp"
#include "dsl/intrinsics.hpp"
#include "dsl/json_text.hpp"
#include "dsl/standalone.hpp"
#include "dsl/stdlib.hpp"
#include "dsl_test_support.hpp"

using namespace temblor;
using namespace temblor::dsl;
using namespace temblor::dsl::test;

namespace {

struct stdlib_case {
  const char* call;     ///< qualified native name, also used to check coverage
  const char* src;      ///< script using it
  const char* expected; ///< sorted JSON of the result, or "*" for "any success"
};

// One row per native: every stdlib function is exercised at least once.
const stdlib_case cases[] = {
  {"time::nanos::from_nanos", "use std::time::nanos; nanos::from_nanos(5)", "5"},
  {"time::nanos::from_micros", "use std::time::nanos; nanos::from_micros(5)", "5000"},
  {"time::nanos::from_millis", "use std::time::nanos; nanos::from_millis(100)", "100000000"},
  {"time::nanos::from_seconds", "use std::time::nanos; nanos::from_seconds(2)", "2000000000"},
  {"time::nanos::from_minutes", "use std::time::nanos; nanos::from_minutes(1)", "60000000000"},
  {"time::nanos::from_hours", "use std::time::nanos; nanos::from_hours(1)", "3600000000000"},
  {"time::nanos::from_days", "use std::time::nanos; nanos::from_days(1)", "86400000000000"},
  {"string::len", R"(use std::string; string::len("héllo"))", "5"},
  {"string::bytes", R"(use std::string; string::bytes("héllo"))", "6"},
  {"string::lowercase", R"(use std::string; string::lowercase("AbC"))", R"("abc")"},
  {"string::uppercase", R"(use std::string; string::uppercase("AbC"))", R"("ABC")"},
  {"string::capitalize", R"(use std::string; string::capitalize("abc"))", R"("Abc")"},
  {"string::trim", R"(use std::string; string::trim("  a b  "))", R"("a b")"},
  {"string::trim_start", R"(use std::string; string::trim_start("  a "))", R"("a ")"},
  {"string::trim_end", R"(use std::string; string::trim_end(" a  "))", R"(" a")"},
  // Unicode: characters, not bytes (Tremor's strings are Rust `str`s).
  {"string::uppercase", R"(use std::string; string::uppercase("é"))", R"("É")"},
  {"string::uppercase", R"(use std::string; string::uppercase("straße ω"))", R"("STRAßE Ω")"},
  {"string::lowercase", R"(use std::string; string::lowercase("ÉA"))", R"("éa")"},
  {"string::capitalize", R"(use std::string; string::capitalize("éa"))", R"("Éa")"},
  {"string::capitalize", R"(use std::string; string::capitalize(""))", R"("")"},
  {"string::reverse", R"(use std::string; string::reverse("aé€😀"))", R"("😀€éa")"},
  {"string::substr", R"(use std::string; string::substr("héllo", 1, 3))", R"("él")"},
  {"string::substr", R"(use std::string; string::substr("h€", 0, 2))", R"("h€")"},
  {"string::trim", R"(use std::string; string::trim("\u00a0\u3000a b\u2028 "))", R"("a b")"},
  {"string::trim_start", R"(use std::string; string::trim_start("\u00a0a\u00a0"))", R"("a ")"},
  {"string::trim_end", R"(use std::string; string::trim_end("\u00a0a\u00a0"))", R"(" a")"},
  {"string::trim", R"(use std::string; string::trim("\u00a0\u2003"))", R"("")"},
  {"string::len", R"(use std::string; string::len("€😀"))", "2"},
  {"string::split", R"(use std::string; string::split("aé", ""))", R"(["","a","é",""])"},
  {"string::split", R"(use std::string; string::split("a€b€", "€"))", R"(["a","b",""])"},
  {"string::replace", R"(use std::string; string::replace("aé", "", "-"))", R"("-a-é-")"},
  {"string::format", R"(use std::string; string::format("é{}€", "ü"))", R"("éü€")"},
  {"string::from_utf8_lossy", R"(use std::string; string::from_utf8_lossy(<< 104, 195, 169, 255, 226, 130, 65 >>))", R"("hé��A")"},
  {"string::from_utf8_lossy", R"(use std::string; string::from_utf8_lossy(<< 192, 128, 237, 160, 128, 244, 144, 128, 128 >>))", R"("���������")"},
  {"string::contains", R"(use std::string; string::contains("abc", "b"))", "true"},
  {"string::starts_with", R"(use std::string; string::starts_with("abc", "ab"))", "true"},
  {"string::ends_with", R"(use std::string; string::ends_with("abc", "bc"))", "true"},
  {"string::split", R"(use std::string; string::split("a,b,c", ","))", R"(["a","b","c"])"},
  {"string::replace", R"(use std::string; string::replace("aXbX", "X", "-"))", R"("a-b-")"},
  {"string::reverse", R"(use std::string; string::reverse("abc"))", R"("cba")"},
  {"string::substr", R"(use std::string; string::substr("abcdef", 1, 3))", R"("bc")"},
  {"string::is_empty", R"(use std::string; string::is_empty(""))", "true"},
  {"string::into_binary", R"(use std::string; use std::binary; binary::len(string::into_binary("ab")))", "2"},
  {"string::from_utf8_lossy", R"(use std::string; string::from_utf8_lossy(string::into_binary("ok")))", R"("ok")"},
  {"string::format", R"(use std::string; string::format("{}-{}", 1, "x"))", R"("1-x")"},
  {"array::len", "use std::array; array::len([1, 2])", "2"},
  {"array::is_empty", "use std::array; array::is_empty([])", "true"},
  {"array::contains", "use std::array; array::contains([1, 2], 2.0)", "true"},
  {"array::push", "use std::array; array::push([1], 2)", "[1,2]"},
  {"array::sort", R"(use std::array; array::sort([3, "a", 1, null, {}]))", R"([{},"a",1,3,null])"},
  {"array::reverse", "use std::array; array::reverse([1, 2])", "[2,1]"},
  {"array::flatten", "use std::array; array::flatten([1, [2, [3]]])", "[1,2,3]"},
  {"array::join", R"(use std::array; array::join(["a", 1], "-"))", R"("a-1")"},
  {"array::coalesce", "use std::array; array::coalesce([1, null, 2])", "[1,2]"},
  {"array::zip", "use std::array; array::zip([1, 2], [3, 4])", "[[1,3],[2,4]]"},
  {"array::unzip", "use std::array; array::unzip([[1, 3], [2, 4]])", "[[1,2],[3,4]]"},
  {"array::concatenate", "use std::array; array::concatenate([1], [2])", "[1,2]"},
  {"record::len", R"(use std::record; record::len({"a": 1}))", "1"},
  {"record::is_empty", "use std::record; record::is_empty({})", "true"},
  {"record::contains", R"(use std::record; record::contains({"a": 1}, "a"))", "true"},
  {"record::keys", R"(use std::record; record::keys({"a": 1, "b": 2}))", R"(["a","b"])"},
  {"record::values", R"(use std::record; record::values({"a": 1, "b": 2}))", "[1,2]"},
  {"record::to_array", R"(use std::record; record::to_array({"a": 1}))", R"([["a",1]])"},
  {"record::from_array", R"(use std::record; record::from_array([["a", 1]]))", R"({"a":1})"},
  {"record::select", R"(use std::record; record::select({"a": 1, "b": 2}, ["b"]))", R"({"b":2})"},
  {"record::extract", R"(use std::record; record::extract({"a": 1, "b": 2}, ["a"]))", R"({"a":1})"},
  {"record::merge", R"(use std::record; record::merge({"a": 1}, {"b": 2}))", R"({"a":1,"b":2})"},
  // Tremor's form: a record of old -> new names; the renames happen at once.
  {"record::rename", R"(use std::record; record::rename({"a": 1, "b": 2, "c": 3}, {"a": "b", "b": "a", "x": "y"}))", R"({"a":2,"b":1,"c":3})"},
  // A null on the right is a value (the `merge` operator would delete).
  {"record::combine", R"(use std::record; record::combine({"a": 1, "b": 2}, {"b": null, "c": 3}))", R"({"a":1,"b":null,"c":3})"},
  {"json::encode", R"(use std::json; json::encode({"a": [1.5, null]}))", R"("{\"a\":[1.5,null]}")"},
  {"json::encode_pretty", R"(use std::json; json::encode_pretty({"a": [1], "b": {}}))", R"("{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}")"},
  {"json::decode", R"(use std::json; json::decode("{\"a\": [1, true]}"))", R"({"a":[1,true]})"},
  {"type::is_null", "use std::type; type::is_null(null)", "true"},
  {"type::is_bool", "use std::type; type::is_bool(false)", "true"},
  {"type::is_integer", "use std::type; type::is_integer(1)", "true"},
  {"type::is_float", "use std::type; type::is_float(1.0)", "true"},
  {"type::is_number", "use std::type; type::is_number(1)", "true"},
  {"type::is_string", R"(use std::type; type::is_string("s"))", "true"},
  {"type::is_array", "use std::type; type::is_array([])", "true"},
  {"type::is_record", "use std::type; type::is_record({})", "true"},
  {"type::is_binary", "use std::type; type::is_binary(<< 1 >>)", "true"},
  {"type::as_string", "use std::type; type::as_string(1.5)", R"("float")"},
  {"math::floor", "use std::math; math::floor(1.7)", "1"},
  {"math::ceil", "use std::math; math::ceil(1.2)", "2"},
  {"math::round", "use std::math; math::round(1.5)", "2"},
  {"math::trunc", "use std::math; math::trunc(-1.7)", "-1"},
  {"math::max", "use std::math; math::max(1, 2.5)", "2.5"},
  {"math::min", "use std::math; math::min(1, 2.5)", "1"},
  {"integer::parse", R"(use std::integer; integer::parse("-42"))", "-42"},
  {"float::parse", R"(use std::float; float::parse("1.25"))", "1.25"},
  {"float::is_nan", R"(use std::float; [float::is_nan(1.5), float::is_nan(1), float::is_nan(float::parse("NaN"))])", "[false,false,true]"},
  {"float::is_finite", R"(use std::float; [float::is_finite(1.5), float::is_finite(7), float::is_finite(float::parse("inf"))])", "[true,true,false]"},
  {"float::is_infinite", R"(use std::float; [float::is_infinite(1.5), float::is_infinite(float::parse("-inf"))])", "[false,true]"},
  {"base64::encode", R"(use std::base64; base64::encode("hello"))", R"("aGVsbG8=")"},
  {"base64::decode", R"(use std::base64; use std::string; string::from_utf8_lossy(base64::decode("aGVsbG8=")))", R"("hello")"},
  {"binary::len", "use std::binary; binary::len(<< 1, 2 >>)", "2"},
  {"binary::into_bytes", "use std::binary; binary::into_bytes(<< 1, 258:16 >>)", "[1,1,2]"},
  {"binary::from_bytes", "use std::binary; binary::into_bytes(binary::from_bytes([7, 8]))", "[7,8]"},
  {"path::try_default", R"(use std::path; [path::try_default({"a": {"b": 1}}, ["a", "b"], 0), path::try_default({}, ["x"], 0)])", "[1,0]"},
  {"range::range", "use std::range; range::range(1, 4)", "[1,2,3]"},
  {"range::contains", "use std::range; [range::contains(range::range(1, 4), 3), range::contains(range::range(1, 4), 2.0), range::contains(range::range(1, 4), 4)]", "[true,true,false]"},
  {"system::nanotime", "use tremor::system; system::nanotime() > 0", "true"},
  {"system::instance", "use tremor::system; system::instance()", R"("tremor")"},
  {"system::hostname", "use tremor::system; system::hostname()", "*"},
  {"system::ingest_ns", "use tremor::system; system::ingest_ns()", "0"},
  {"random::bool", "use std::random; use std::type; type::is_bool(random::bool())", "true"},
  {"random::integer", "use std::random; let x = random::integer(3, 4); x", "3"},
  {"random::float", "use std::random; let x = random::float(); x >= 0.0 and x < 1.0", "true"},
  {"random::string", "use std::random; use std::string; string::len(random::string(5))", "5"},
  {"datetime::format", R"(use std::datetime; datetime::format(86400000000000, "%Y-%m-%d"))", R"("1970-01-02")"},
  {"datetime::parse", R"(use std::datetime; datetime::parse("2023-11-14 23:13:20 +0100", "%Y-%m-%d %H:%M:%S %z"))", "1700000000000000000"},
  {"datetime::today", "use std::datetime; datetime::today() > 0", "true"},
  {"chash::sorted_serialize", R"(use tremor::chash; chash::sorted_serialize({"b": 1, "a": [2]}))", R"("{\"a\":[2],\"b\":1}")"},
  {"datetime::year", "use std::datetime; datetime::year(1700000000123456789)", "2023"},
  {"datetime::month", "use std::datetime; datetime::month(1700000000123456789)", "11"},
  {"datetime::day", "use std::datetime; datetime::day(1700000000123456789)", "14"},
  {"datetime::hour", "use std::datetime; datetime::hour(1700000000123456789)", "22"},
  {"datetime::minute", "use std::datetime; datetime::minute(1700000000123456789)", "13"},
  {"datetime::second", "use std::datetime; datetime::second(1700000000123456789)", "20"},
  {"datetime::millisecond", "use std::datetime; datetime::millisecond(1700000000123456789)", "123"},
  {"datetime::microsecond", "use std::datetime; datetime::microsecond(1700000000123456789)", "123456"},
  {"datetime::nanosecond", "use std::datetime; datetime::nanosecond(1700000000123456789)", "123456789"},
  {"datetime::subsecond", "use std::datetime; datetime::subsecond(1700000000123456789)", "123456789"},
  {"datetime::day_of_month", "use std::datetime; datetime::day_of_month(1700000000123456789)", "14"},
  // ISO weeks: 2023-11-14 is in week 46; 2021-01-03 (a Sunday) still in
  // 2020's week 53; 2024-12-30 (a Monday) already in 2025's week 1.
  {"datetime::iso_week", "use std::datetime; [datetime::iso_week(1700000000123456789), datetime::iso_week(1609632000000000000), datetime::iso_week(1735516800000000000), datetime::iso_week(1609718400000000000)]", "[46,53,1,1]"},
  {"datetime::from_human_format", R"(use std::datetime; [datetime::from_human_format("2023-11-14T22:13:20Z"), datetime::from_human_format("2023-11-14 23:13:20.5+01:00"), datetime::from_human_format("2023-11-14"), datetime::from_human_format("Tue, 14 Nov 2023 22:13:20 +0000"), datetime::from_human_format("Nov 14, 2023"), datetime::from_human_format("1700000000"), datetime::from_human_format("1700000000123")])", "[1700000000000000000,1700000000500000000,1699920000000000000,1700000000000000000,1699920000000000000,1700000000000000000,1700000000123000000]"},
  {"datetime::iso8601", "use std::datetime; datetime::iso8601(1700000000123456789)", R"("2023-11-14T22:13:20.123456789+00:00")"},
  {"datetime::rfc3339", "use std::datetime; datetime::rfc3339(0)", R"("1970-01-01T00:00:00+00:00")"},
  {"datetime::rfc2822", "use std::datetime; datetime::rfc2822(0)", R"("Thu, 01 Jan 1970 00:00:00 +0000")"},
  // Expected slots come from Rust: SipHasher13 keyed like Tremor over the
  // key's `Hash` (bytes + 0xFF), then jump consistent hash.
  {"chash::jump", R"(use tremor::chash; chash::jump("key", 10))", "7"},
  {"chash::jump", R"(use tremor::chash; [chash::jump("tremor", 100), chash::jump("", 1000), chash::jump("badger", 7)])", "[71,595,2]"},
  {"chash::jump_with_keys", R"(use tremor::chash; [chash::jump_with_keys(1, 2, "key", 10), chash::jump_with_keys(1, 2, "snot", 1000)])", "[4,542]"},
  {"chash::jump_with_keys", R"(use tremor::chash; chash::jump_with_keys(8390880576440238080, 128034676764530, "tremor", 100))", "71"},
  {"datetime::to_nearest_millisecond", "use std::datetime; datetime::to_nearest_millisecond(1700000000123456789)", "1700000000123000000"},
  {"datetime::to_nearest_millisecond", "use std::datetime; datetime::to_nearest_millisecond(1700000000123500000)", "1700000000124000000"},
  {"datetime::to_nearest_microsecond", "use std::datetime; datetime::to_nearest_microsecond(1700000000123456789)", "1700000000123457000"},
  {"datetime::to_nearest_second", "use std::datetime; [datetime::to_nearest_second(1700000000123456789), datetime::to_nearest_second(1700000000500000000)]", "[1700000000000000000,1700000001000000000]"},
  {"datetime::without_subseconds", "use std::datetime; datetime::without_subseconds(1700000000999999999)", "1700000000000000000"},
  {"system::version", "use tremor::system; system::version()", R"("0.13.0-rc.33")"},
  {"test::assert", R"(use std::test; [test::assert("a", 1, 1.0), test::assert("b", 1, 2)])", R"([true,{"assert":"b","expected":1,"got":2}])"},
  {"test::test", R"(use std::test; test::test({"name": "t", "test": true}))", R"({"name":"t","test":true})"},
  {"test::suite", R"(use std::test; test::suite({"name": "s", "tests": []}))", R"({"name":"s","tests":[]})"},
  {"cncf::otel::gen_span_id_string", R"(use cncf::otel; use std::re; re::is_match("^[0-9a-f]{16}$", otel::gen_span_id_string()))", "true"},
  {"cncf::otel::gen_span_id_array", "use cncf::otel; use std::array; array::len(otel::gen_span_id_array())", "8"},
  {"cncf::otel::gen_span_id_bytes", "use cncf::otel; use std::binary; binary::len(otel::gen_span_id_bytes())", "8"},
  {"cncf::otel::gen_trace_id_string", R"(use cncf::otel; use std::re; re::is_match("^[0-9a-f]{32}$", otel::gen_trace_id_string()))", "true"},
  {"cncf::otel::gen_trace_id_array", "use cncf::otel; use std::array; array::len(otel::gen_trace_id_array())", "16"},
  {"cncf::otel::gen_trace_id_bytes", "use cncf::otel; use std::binary; binary::len(otel::gen_trace_id_bytes())", "16"},
  {"origin::as_uri_record", "use tremor::origin; origin::as_uri_record()", "null"},
  {"url::encode", R"(use std::url; url::encode("a b/c"))", R"("a%20b%2Fc")"},
  {"url::decode", R"(use std::url; url::decode("a%20b+c"))", R"("a b+c")"},
  {"url::decode", R"(use std::url; url::decode("%C3%A9%2f%zz%4"))", R"("é/%zz%4")"},
  {"url::encode", R"(use std::url; url::encode("a-b_c.d~é"))", R"("a%2Db%5Fc%2Ed%7E%C3%A9")"},
  {"origin::scheme", "use tremor::origin; origin::scheme()", "null"},
  {"origin::host", "use tremor::origin; origin::host()", "null"},
  {"origin::port", "use tremor::origin; origin::port()", "null"},
  {"origin::path", "use tremor::origin; origin::path()", "null"},
  {"origin::as_uri_string", "use tremor::origin; origin::as_uri_string()", "null"},
  {"re::is_match", R"(use std::re; re::is_match("^a+b$", "aaab"))", "true"},
  {"re::replace", R"(use std::re; re::replace("a", "banana", "o"))", R"("bonana")"},
  {"re::replace_all", R"(use std::re; re::replace_all("a", "banana", "o"))", R"("bonono")"},
  {"re::split", R"(use std::re; re::split(",\\s*", "a, b,c"))", R"(["a","b","c"])"},
  // Rust's replacement syntax: `$1`, `$name`, `${name}`, `$$`; an unknown
  // group (`$1a` reads as a group named "1a") gives nothing, a lone `$` stays.
  {"re::replace", R"x(use std::re; re::replace("(\\d+)", "ab12cd", "[$1]"))x", R"("ab[12]cd")"},
  {"re::replace_all", R"x(use std::re; re::replace_all("(?P<k>[a-z]+)=(?P<v>[0-9]+)", "a=1,b=2", "${v}:$k"))x", R"("1:a,2:b")"},
  {"re::replace_all", R"x(use std::re; re::replace_all("x", "axbx", "$$"))x", R"("a$b$")"},
  {"re::replace", R"x(use std::re; re::replace("(?P<n>b)", "abc", "$1a|$nx|${nx}|$2|$"))x", R"("a||||$c")"},
  // An empty match right after a match is skipped, as Rust's iterator does.
  {"re::replace_all", R"x(use std::re; re::replace_all("a*", "baaac", "-"))x", R"("-b-c-")"},
  {"re::replace_all", R"x(use std::re; re::replace_all("\\w", "a-é ٣", "x"))x", R"("x-x x")"},
  {"re::is_match", R"x(use std::re; [re::is_match("^.$", "é"), re::is_match("^\\s$", "\u00a0"), re::is_match("^\\d$", "٣")])x", "[true,true,true]"},
  {"re::is_match", R"x(use std::re; re::is_match("\\Aa\\z", "a\n"))x", "false"},
  {"re::split", R"x(use std::re; re::split(",", "a,b,"))x", R"(["a","b",""])"},
  {"re::split", R"(use std::re; re::split("", "ab"))", R"(["","a","b",""])"},
};

// Builds a random value of bounded depth for round-trip checks.
value random_value(std::mt19937_64& g, int depth) {
  int kind = static_cast<int>(g() % (depth > 3 ? 6 : 8));
  switch (kind) {
    case 0: return value();
    case 1: return value((g() & 1) == 1);
    case 2: return value(static_cast<long long>(g()));
    case 3: return value(static_cast<unsigned long long>(g()));
    case 4: {
      double d = std::ldexp(static_cast<double>(g() % 1000000) - 500000.0, static_cast<int>(g() % 60) - 30);
      return value(d);
    }
    case 5: {
      std::string s;
      size_t n = g() % 12;
      for (size_t i = 0; i < n; ++i) {
        int c = static_cast<int>(g() % 100);
        s += c < 90 ? static_cast<char>(' ' + c % 95) : (c < 95 ? '\n' : '"');
      }
      if (g() % 5 == 0)
        s += "\xC3\xA9\xE2\x82\xAC";
      return value(s);
    }
    case 6: {
      array a;
      size_t n = g() % 5;
      for (size_t i = 0; i < n; ++i)
        a.push_back(random_value(g, depth + 1));
      return value(std::move(a));
    }
    default: {
      record r;
      size_t n = g() % 5;
      for (size_t i = 0; i < n; ++i)
        r.set("k" + std::to_string(g() % 10), random_value(g, depth + 1));
      return value(std::move(r));
    }
  }
}

} // namespace

TEST_SUITE("dsl.stdlib") {

TEST_CASE("every native function is exercised and returns the expected value") {
  std::set<std::string> covered;
  for (const auto& c : cases) {
    CAPTURE(c.src);
    covered.insert(c.call);
    REQUIRE_MESSAGE(find_native(c.call) != nullptr, c.call);
    auto r = run_script(c.src);
    REQUIRE_MESSAGE(r.st == status::ok, r.error);
    if (std::string(c.expected) != "*")
      CHECK(to_json(r.result, true) == c.expected);
  }
  for (const auto& name : native_names()) {
    // The short `nanos::…` aliases share their implementation with
    // `time::nanos::…`.
    if (name.rfind("nanos::", 0) == 0)
      continue;
    // win::… only answers inside a windowed select: tests/dsl/pipeline_runner_test.cpp.
    if (name.rfind("win::", 0) == 0)
      continue;
    CHECK_MESSAGE(covered.count(name) == 1, "no test row for " << name);
  }
}

TEST_CASE("every intrinsic in the embedded stdlib binds to a native") {
  for (size_t i = 0; i < embedded_stdlib_count; ++i) {
    std::string path = embedded_stdlib[i].path;
    if (path.rfind("std/", 0) != 0 && path.rfind("tremor/", 0) != 0)
      continue;
    std::string mod = path.substr(0, path.size() - 7); // strip .tremor
    std::string use;
    for (char ch : mod)
      use += ch == '/' ? std::string("::") : std::string(1, ch);
    auto r = run_script("use " + use + "; null");
    CHECK_MESSAGE(r.st == status::ok, path << ": " << r.error);
  }
}

TEST_CASE("json text round-trips generated values") {
  std::mt19937_64 g(42);
  for (int i = 0; i < 2000; ++i) {
    value v = random_value(g, 0);
    std::string text = to_json(v);
    value back;
    std::string err;
    REQUIRE_MESSAGE(from_json(text, back, err), err << " in " << text);
    CHECK_MESSAGE(script_eq(v, back), text);
    CHECK(to_json(back) == text);
  }
}

TEST_CASE("random events never break the runner") {
  const char* queries[] = {
    R"(use std::string;
       select {"a": event.a + 1, "s": string::lowercase(event.s), "i": event["k"]} from in where event.k == 1 into out;)",
    R"(define script s state 0 script
         let state = state + 1;
         match event of
           case %{ a ~= %{ b > 1 } } => patch event of upsert "x" => state; erase "a" end
           case %[ %{ present k } ] => emit event => "side"
           case %( _, _ ) => drop
           case r = %{ s ~= dissect|%{x} %{y}| } => r
           case _ => for event of case (k, v) => [k, v] end
         end
       end;
       create script s;
       select event from in into s;
       select event from s into out;
       select event from s/side into out;
       select event from s/err into err;)",
    R"(define window w from tumbling with size = 3 end;
       select {"n": aggr::stats::count(), "c": aggr::win::collect_nested(event), "m": aggr::stats::max(event.n)}
       from in[w] group by each(event.tags) into out;)",
  };
  std::mt19937_64 g(99);
  for (const char* q : queries) {
    diagnostics d;
    auto prog = load_query_source("fuzz.trickle", q, {}, d);
    REQUIRE_MESSAGE(static_cast<bool>(prog), d.render());
    auto r = make_pipeline_runner(*prog);
    pipeline_output out;
    size_t produced = 0;
    for (int i = 0; i < 2000; ++i) {
      value v = random_value(g, 0);
      // Give half the records the fields the queries look at.
      if (v.is_record() && g() % 2) {
        v.as_record().set("k", value(1));
        v.as_record().set("a", value(static_cast<int>(g() % 100)));
        v.as_record().set("s", value("Ab Cd"));
        v.as_record().set("n", value(static_cast<int>(g() % 10)));
        v.as_record().set("tags", value(array{value("x"), value("y")}));
      }
      r->process("in", make_event(std::move(v)), out);
      if (out.events.size() > 100) {
        produced += out.events.size();
        out.events.clear();
        out.errors.clear();
      }
    }
    r->tick(UINT64_MAX / 2, out);
    r->flush(out);
    produced += out.events.size();
    CHECK(produced > 0);
  }
}

TEST_CASE("json decoding rejects lone surrogates and deep nesting") {
  value v;
  std::string err;
  CHECK_FALSE(from_json(R"("\ud800")", v, err));
  CHECK_FALSE(from_json(std::string(100000, '['), v, err));
  CHECK(from_json(R"("\ud83d\ude00")", v, err));
  CHECK(v.as_string() == "\xF0\x9F\x98\x80");
}

TEST_CASE("a standalone query runs with its own ports") {
  diagnostics d;
  auto prog = load_query_source("q.trickle",
                                "select {\"v\": event} from in where event > 1 into out;", {}, d);
  REQUIRE_MESSAGE(static_cast<bool>(prog), d.render());
  auto r = make_pipeline_runner(*prog);
  pipeline_output out;
  r->process("in", make_event(value(1)), out);
  r->process("in", make_event(value(2)), out);
  REQUIRE(out.events.size() == 1);
  CHECK(to_json(out.events[0].ev.payload) == R"({"v":2})");
}

TEST_CASE("a standalone script sends results to out and errors to err") {
  diagnostics d;
  auto prog = load_script_source("s.tremor", "use std::string;\nstring::uppercase(event)", {}, d);
  REQUIRE_MESSAGE(static_cast<bool>(prog), d.render());
  auto r = make_pipeline_runner(*prog);
  pipeline_output out;
  r->process("in", make_event(value("abc")), out);
  r->process("in", make_event(value(1)), out);
  REQUIRE(out.events.size() == 2);
  CHECK(out.events[0].port == "out");
  CHECK(out.events[0].ev.payload == value("ABC"));
  CHECK(out.events[1].port == "err");
  CHECK(out.events[1].ev.payload.get("error")->as_string().rfind("Error: \n    1 | use std::string;\n    2 | string::uppercase(event)\n", 0) == 0);
}


// 1700000000123456789 ns is Tuesday 2023-11-14 22:13:20.123456789 UTC,
// day 318 of the year, in ISO week 46; 0 is Thursday 1970-01-01.
std::string chrono_fmt(int64_t ns, const char* fmt) {
  std::string out, err;
  REQUIRE_MESSAGE(chrono_time::format(ns, fmt, out, err), fmt << ": " << err);
  return out;
}

TEST_CASE("chrono formatting covers chrono's date specifiers") {
  const int64_t t = 1700000000123456789LL;
  CHECK(chrono_fmt(t, "%Y %C %y %m %b %h %B %d %e") == "2023 20 23 11 Nov Nov November 14 14");
  CHECK(chrono_fmt(t, "%a %A %w %u %j %U %W %G %g %V") == "Tue Tuesday 2 2 318 46 46 2023 23 46");
  CHECK(chrono_fmt(t, "%D|%x|%F|%v") == "11/14/23|11/14/23|2023-11-14|14-Nov-2023");
  CHECK(chrono_fmt(0, "%a %j %U %W %G-W%V-%u") == "Thu 001 00 00 1970-W01-4");
  // ISO years that differ from the calendar year.
  CHECK(chrono_fmt(1735603200000000000LL, "%F %G-W%V-%u") == "2024-12-31 2025-W01-2");
  CHECK(chrono_fmt(1609459200000000000LL, "%F %G-W%V-%u") == "2021-01-01 2020-W53-5");
}

TEST_CASE("chrono formatting covers time fraction zone and composite specifiers") {
  const int64_t t = 1700000000123456789LL;
  CHECK(chrono_fmt(t, "%H %k %I %l %P %p %M %S") == "22 22 10 10 pm PM 13 20");
  CHECK(chrono_fmt(t, "%f|%.f|%.3f|%.6f|%.9f|%3f|%6f|%9f") ==
        "123456789|.123456789|.123|.123456|.123456789|123|123456|123456789");
  CHECK(chrono_fmt(1700000000123000000LL, "%.f") == ".123");
  CHECK(chrono_fmt(1700000000123456000LL, "%.f") == ".123456");
  CHECK(chrono_fmt(1700000000000000000LL, "[%.f]") == "[]");
  CHECK(chrono_fmt(t, "%R|%T|%X|%r") == "22:13|22:13:20|22:13:20|10:13:20 PM");
  CHECK(chrono_fmt(t, "%c") == "Tue Nov 14 22:13:20 2023");
  CHECK(chrono_fmt(t, "%+") == "2023-11-14T22:13:20.123456789+00:00");
  CHECK(chrono_fmt(0, "%+") == "1970-01-01T00:00:00+00:00");
  CHECK(chrono_fmt(t, "%Z %z %:z %#z %s") == "UTC +0000 +00:00 +0000 1700000000");
  CHECK(chrono_fmt(t, "a%tb%nc%%d") == "a\tb\nc%d");
  CHECK(chrono_fmt(-1, "%+") == "1969-12-31T23:59:59.999999999+00:00");
}

TEST_CASE("chrono padding modifiers override a specifier's padding") {
  CHECK(chrono_fmt(0, "%d|%-d|%_d|%0d") == "01|1| 1|01");
  CHECK(chrono_fmt(0, "%e|%-e|%0e|%-m|%-H|%_H|%-j") == " 1|1|01|1|0| 0|1");
}

TEST_CASE("chrono formatting rejects an unknown specifier") {
  std::string out, err;
  CHECK_FALSE(chrono_time::format(0, "%Q", out, err));
  CHECK(err == "bad or unsupported format string");
  CHECK_FALSE(chrono_time::format(0, "trailing %", out, err));
}

int64_t chrono_parse(const char* text, const char* fmt) {
  int64_t ns = 0;
  std::string err;
  REQUIRE_MESSAGE(chrono_time::parse(text, fmt, ns, err), text << " / " << fmt << ": " << err);
  return ns;
}

TEST_CASE("chrono parsing honours offsets fractions and twelve-hour clocks") {
  CHECK(chrono_parse("2023-11-14 23:13:20 +0100", "%Y-%m-%d %H:%M:%S %z") == 1700000000000000000LL);
  CHECK(chrono_parse("2023-11-14 17:13:20.5 -05:00", "%Y-%m-%d %H:%M:%S%.f %:z") == 1700000000500000000LL);
  CHECK(chrono_parse("2023-11-14 22:13:20 +01", "%Y-%m-%d %H:%M:%S %#z") == 1699996400000000000LL);
  CHECK(chrono_parse("2023-11-14 22:13:20 Z", "%Y-%m-%d %H:%M:%S %#z") == 1700000000000000000LL);
  CHECK(chrono_parse("2023-11-14T22:13:20.123456789+00:00", "%+") == 1700000000123456789LL);
  CHECK(chrono_parse("2023-11-14T22:13:20Z", "%+") == 1700000000000000000LL);
  CHECK(chrono_parse("Tue, 14 Nov 2023 10:13:20 PM", "%a, %d %b %Y %I:%M:%S %p") == 1700000000000000000LL);
  CHECK(chrono_parse("tuesday 14 november 2023 22:13", "%A %d %B %Y %H:%M") == 1699999980000000000LL);
  CHECK(chrono_parse("2023-318 22:13:20", "%Y-%j %H:%M:%S") == 1700000000000000000LL);
  CHECK(chrono_parse("1700000000", "%s") == 1700000000000000000LL);
  CHECK(chrono_parse("22:13:20.123 2023-11-14", "%H:%M:%S%.3f %F") == 1700000000123000000LL);
  CHECK(chrono_parse("20231114221320123", "%Y%m%d%H%M%S%3f") == 1700000000123000000LL);
  CHECK(chrono_parse("11/14/23 22:13:20", "%D %T") == 1700000000000000000LL);
  CHECK(chrono_parse("2023-W46-2 22:13:20", "%G-W%V-%u %T") == 1700000000000000000LL);
}

TEST_CASE("chrono parsing round-trips what it formats") {
  const char* fmt = "%Y-%m-%dT%H:%M:%S%.f%:z";
  for (int64_t t : {int64_t{0}, int64_t{-1}, int64_t{1700000000123456789LL}, int64_t{951782400000000001LL}})
    CHECK(chrono_parse(chrono_fmt(t, fmt).c_str(), fmt) == t);
}

TEST_CASE("chrono parsing fails cleanly and names the position") {
  int64_t ns = 0;
  std::string err;
  CHECK_FALSE(chrono_time::parse("2023-11-14 22:13", "%Y/%m/%d %H:%M", ns, err));
  CHECK(err == "input contains invalid characters at position 4");
  CHECK_FALSE(chrono_time::parse("2023-11-14 22:13:20 x", "%Y-%m-%d %H:%M:%S", ns, err));
  CHECK(err == "trailing input at position 19");
  CHECK_FALSE(chrono_time::parse("2023-11-14 22", "%Y-%m-%d %H:%M", ns, err));
  CHECK(err == "premature end of input at position 13");
  // chrono needs at least hours and minutes for a date and time.
  CHECK_FALSE(chrono_time::parse("2023-11-14", "%Y-%m-%d", ns, err));
  CHECK(err == "input is not enough for unique date and time");
  CHECK_FALSE(chrono_time::parse("Mon, 14 Nov 2023 22:13", "%a, %d %b %Y %H:%M", ns, err));
  CHECK(err == "no possible date and time matching input");
  CHECK_FALSE(chrono_time::parse("2023-02-30 00:00", "%Y-%m-%d %H:%M", ns, err));
  CHECK(err == "input is out of range");
  CHECK_FALSE(chrono_time::parse("2023-13-01 00:00", "%Y-%m-%d %H:%M", ns, err));
  CHECK(err == "input is out of range at position 5");
  CHECK_FALSE(chrono_time::parse("2023-11-14 22:13 +01", "%Y-%m-%d %H:%M %z", ns, err));
  CHECK(err == "premature end of input at position 20");
  // Hostile numbers end in a range error, not in overflow.
  CHECK_FALSE(chrono_time::parse("99999999999999999999", "%s", ns, err));
  CHECK(err == "input is out of range at position 18");
  CHECK_FALSE(chrono_time::parse("+999999999999999999-01-01 00:00", "%Y-%m-%d %H:%M", ns, err));
  CHECK(err == "input is out of range");
  CHECK_FALSE(chrono_time::parse("2262-04-12 00:00", "%Y-%m-%d %H:%M", ns, err));
  CHECK(err == "input is out of range");
}

TEST_CASE("datetime::parse reports chrono's reason as a runtime error") {
  auto r = run_script(R"(use std::datetime; datetime::parse("2023", "%Y-%m"))");
  CHECK(r.st != status::ok);
  CHECK(r.error.find("premature end of input") != std::string::npos);
}

TEST_CASE("std::re answers promptly on a megabyte of hostile input") {
  // std::regex recursed once per character and overflowed the stack here.
  const std::string as(1 << 20, 'a');
  for (const char* call : {R"(re::is_match("(a|b)*c", event))", R"(re::is_match("^(a+)+$", event))",
                           R"(re::replace_all("(a|b)*c", event, "x"))",
                           R"(re::split("(a+)+!", event))"}) {
    CAPTURE(call);
    auto start = std::chrono::steady_clock::now();
    auto r = run_script(std::string("use std::re; ") + call, value(as));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    REQUIRE_MESSAGE(r.st == status::ok, r.error);
    if (r.result.is_bool())
      CHECK(r.result.as_bool() == (std::string(call).find("a+") != std::string::npos));
  }
  auto bad = run_script(R"(use std::re; re::is_match("^(a+)+$", event))", value(as + "!"));
  REQUIRE_MESSAGE(bad.st == status::ok, bad.error);
  CHECK(bad.result == value(false));
}

TEST_CASE("std::re answers the same when more patterns are used than it keeps compiled") {
  // The natives keep a bounded set of compiled patterns per thread.
  std::string src = "use std::re; [";
  for (int round = 0; round < 2; ++round)
    for (int i = 1; i <= 40; ++i)
      src += "re::is_match(\"^a{" + std::to_string(i) + "}$\", \"" + std::string(20, 'a') + "\"),";
  src.back() = ']';
  auto r = run_script(src);
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  const array& got = r.result.as_array();
  REQUIRE(got.size() == 80);
  for (size_t i = 0; i < got.size(); ++i)
    CHECK_MESSAGE(got[i] == value(i % 40 == 19), i);
}

TEST_CASE("a bad pattern is a runtime error of the std::re call that names the reason") {
  for (const char* call : {R"(re::is_match("(", "x"))", R"(re::replace("(", "x", "y"))",
                           R"(re::replace_all("(", "x", "y"))", R"(re::split("(", "x"))"}) {
    CAPTURE(call);
    auto r = run_script(std::string("use std::re; ") + call);
    CHECK(r.st == status::error);
    std::string fn = std::string(call).substr(0, std::string(call).find('('));
    CHECK(r.error.find("Runtime error in function " + fn) != std::string::npos);
    // Rust's regex crate's own text, as Tremor shows it.
    CHECK(r.error.find("regex parse error:\n    (\n    ^\nerror: unclosed group") != std::string::npos);
  }
}

TEST_CASE("url::decode fails when the bytes it decodes are not UTF-8") {
  auto r = run_script(R"(use std::url; url::decode("a%FFb"))");
  CHECK(r.st != status::ok);
  CHECK(r.error.find("Could not urldecode value: a%FFb") != std::string::npos);
}

TEST_CASE("std::time::nanos has a constant per unit of time") {
  auto r = run_script("use std::time::nanos; [nanos::nanosecond, nanos::microsecond, nanos::millisecond, "
                      "nanos::second, nanos::minute, nanos::hour, nanos::day]");
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  CHECK(to_json(r.result) == "[1,1000,1000000,1000000000,60000000000,3600000000000,86400000000000]");
}

TEST_CASE("origin::as_uri_record reads the four parts of the event's origin") {
  value origin{record{}};
  origin.as_record().set("scheme", value("tcp"));
  origin.as_record().set("host", value("localhost"));
  origin.as_record().set("port", value(4242));
  origin.as_record().set("path", value(array{value("a")}));
  origin.as_record().set("uid", value(7));
  value meta{record{}};
  meta.as_record().set("origin", origin);
  auto r = run_script("use tremor::origin; origin::as_uri_record()", value(record{}), meta);
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  CHECK(to_json(r.result) == R"({"scheme":"tcp","host":"localhost","port":4242,"path":["a"]})");
}

TEST_CASE("std::size converts binary units to bytes, keeping integers integers") {
  auto r = run_script("use std::size; [size::kiB(1), size::MiB(1), size::GiB(1), size::TiB(1), "
                      "size::PiB(1), size::EiB(1), size::kiB(1.5)]");
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  CHECK(to_json(r.result) == "[1024,1048576,1073741824,1099511627776,1125899906842624,"
                             "1152921504606846976,1536.0]");
}

TEST_CASE("std::size fails on overflow instead of wrapping") {
  CHECK(run_script("use std::size; size::EiB(16)").st != status::ok);
  CHECK(run_script("use std::size; size::EiB(7)").st == status::ok);
}

TEST_CASE("use std reaches every stdlib module through its full path") {
  auto r = run_script("use std; [std::size::kiB(2), std::string::len(\"ab\"), "
                      "std::time::nanos::from_millis(1), std::integer::unsigned::max]");
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  CHECK(to_json(r.result) == "[2048,2,1000000,18446744073709551615]");
}

TEST_CASE("std::time::nanos converts both ways, floats stay floats") {
  auto r = run_script("use std::time::nanos; [nanos::from_seconds(1.5), nanos::to_millis(1500000), "
                      "nanos::to_seconds(nanos::from_minutes(2)), nanos::to_nanos(7), "
                      "nanos::to_micros(1500), nanos::to_minutes(nanos::from_hours(1)), "
                      "nanos::to_hours(nanos::from_days(1)), nanos::to_days(nanos::from_days(3))]");
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  CHECK(to_json(r.result) == "[1500000000.0,1.5,120.0,7,1.5,60.0,24.0,3.0]");
}

TEST_CASE("std::integer::signed and unsigned hold the 64-bit bounds") {
  auto r = run_script("use std::integer::signed; use std::integer::unsigned; "
                      "[signed::min, signed::max, unsigned::min, unsigned::max]");
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  CHECK(to_json(r.result) ==
        "[-9223372036854775808,9223372036854775807,0,18446744073709551615]");
}

TEST_CASE("datetime::with_* turn units into nanosecond durations") {
  auto r = run_script("use std::datetime; [datetime::with_nanoseconds(1), datetime::with_microseconds(1), "
                      "datetime::with_milliseconds(1), datetime::with_seconds(2), "
                      "datetime::with_minutes(1), datetime::with_hours(1), datetime::with_days(1), "
                      "datetime::with_weeks(1), datetime::with_years(1)]");
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  CHECK(to_json(r.result) == "[1,1000,1000000,2000000000,60000000000,3600000000000,"
                             "86400000000000,604800000000000,31536000000000000]");
}

TEST_CASE("datetime::from_human_format rejects text that is no date") {
  auto r = run_script(R"(use std::datetime; datetime::from_human_format("next tuesday-ish"))");
  CHECK(r.st != status::ok);
  CHECK(r.error.find("not a date-time") != std::string::npos);
}

TEST_CASE("intrinsics bind by Tremor 0.13's core:: paths too") {
  auto r = run_script("intrinsic fn len(s) as core::string::len; len(\"abc\")");
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  CHECK(to_json(r.result) == "3");
}

TEST_CASE("string::format needs a format string first, and says how to print a number") {
  auto r = run_script("use std::string; string::format(1)");
  CHECK(r.st == status::error);
  CHECK(r.error.find("Runtime error in function string::format/1: expected 1st parameter to format "
                     "to be a format specifier e.g. to print a number use "
                     "`string::format(\"{}\", 1)`") != std::string::npos);
}

TEST_CASE("string::format rejects stray braces and mismatched argument counts") {
  CHECK(run_script(R"(use std::string; string::format("{{}}{}", 1))").result == value("{}1"));
  auto few = run_script(R"(use std::string; string::format("{} {}", 1))");
  CHECK(few.st != status::ok);
  CHECK(few.error.find("less than the `{}` specifiers") != std::string::npos);
  auto many = run_script(R"(use std::string; string::format("{}", 1, 2))");
  CHECK(many.st != status::ok);
  CHECK(many.error.find("too many parameters passed") != std::string::npos);
  auto open = run_script(R"(use std::string; string::format("é{x", 1))");
  CHECK(open.st != status::ok);
  CHECK(open.error.find("the format specifier at 1 is invalid") != std::string::npos);
  auto close = run_script(R"(use std::string; string::format("ab}"))");
  CHECK(close.st != status::ok);
  CHECK(close.error.find("the format specifier at 2 is invalid") != std::string::npos);
}

}
