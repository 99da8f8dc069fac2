#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "codecs/json.hpp"
#include "tests/codecs/value_generator.hpp"

using namespace temblor;
using namespace temblor::codecs;
using temblor::test::same;
using temblor::test::value_generator;

namespace {

value decode_ok(std::string_view text) {
  value v;
  std::string err;
  bool ok = json_decode(text, v, err);
  INFO(err);
  REQUIRE(ok);
  return v;
}

std::string decode_error(std::string_view text) {
  value v;
  std::string err;
  CHECK_FALSE(json_decode(text, v, err));
  CHECK_FALSE(err.empty());
  return err;
}

} // namespace

TEST_SUITE("codecs.json") {

TEST_CASE("a generated corpus of values survives encode then decode unchanged") {
  value_generator gen(0x7e3b10f);
  json_decoder decoder;
  for (int i = 0; i < 5000; ++i) {
    value v = gen.make(0);
    for (auto mode : {json_mode::unsorted, json_mode::sorted}) {
      std::string text, err;
      REQUIRE(json_encode(v, mode, text, err));
      value back;
      bool ok = decoder.decode(text, back, err);
      INFO("case " << i << ": " << text << " -> " << err);
      REQUIRE(ok);
      if (mode == json_mode::unsorted)
        REQUIRE(same(v, back));
      else
        REQUIRE(v == back);
      // Encoding is a fixed point after one round.
      std::string again;
      REQUIRE(json_encode(back, mode, again, err));
      REQUIRE(again == text);
    }
  }
}

TEST_CASE("floats always print with a fraction or an exponent as Tremor's do") {
  CHECK(json_to_string(value{42.0}) == "42.0");
  CHECK(json_to_string(value{-3.0}) == "-3.0");
  CHECK(json_to_string(value{0.0}) == "0.0");
  CHECK(json_to_string(value{-0.0}) == "-0.0");
  CHECK(json_to_string(value{0.1}) == "0.1");
  CHECK(json_to_string(value{1.5}) == "1.5");
  CHECK(json_to_string(value{0.001}) == "0.001");
  CHECK(json_to_string(value{1e-7}) == "1e-7");
  CHECK(json_to_string(value{1.5e-7}) == "1.5e-7");
  CHECK(json_to_string(value{1e15}) == "1000000000000000.0");
  CHECK(json_to_string(value{1e16}) == "1e16");
  CHECK(json_to_string(value{1.25e300}) == "1.25e300");
  CHECK(json_to_string(value{123456.789}) == "123456.789");
  CHECK(json_to_string(value{42}) == "42");
  CHECK(decode_ok("42.0").is_float());
  CHECK(decode_ok("42").is_integer());
  CHECK(decode_ok("1e2").is_float());
}

TEST_CASE("floats print the shortest digits that read back in ryu's layout") {
  // Oracle: std::to_chars' shortest scientific digits, laid out by ryu's rules.
  auto expected = [](double d) {
    std::string out;
    if (d < 0) {
      out = "-";
      d = -d;
    }
    char sci[40];
    auto r = std::to_chars(sci, sci + sizeof(sci), d, std::chars_format::scientific);
    std::string text(sci, r.ptr);
    auto e = text.find('e');
    std::string digits;
    for (size_t i = 0; i < e; ++i)
      if (text[i] != '.')
        digits += text[i];
    int exp10 = std::stoi(text.substr(e + 1));
    int len = static_cast<int>(digits.size());
    int kk = exp10 + 1;
    int k = kk - len;
    if (k >= 0 && kk <= 16)
      return out + digits + std::string(static_cast<size_t>(k), '0') + ".0";
    if (kk > 0 && kk <= 16)
      return out + digits.substr(0, static_cast<size_t>(kk)) + "." + digits.substr(static_cast<size_t>(kk));
    if (kk > -5 && kk <= 0)
      return out + "0." + std::string(static_cast<size_t>(-kk), '0') + digits;
    return out + digits.substr(0, 1) + (len > 1 ? "." + digits.substr(1) : "") + "e"
           + std::to_string(exp10);
  };
  std::mt19937_64 rng(99);
  for (int i = 0; i < 20000; ++i) {
    double d;
    switch (i % 4) {
      case 0: d = static_cast<double>(rng() % 100000000) / std::pow(10.0, rng() % 9); break;
      case 1: d = static_cast<double>(rng() % 1000) * std::pow(10.0, static_cast<int>(rng() % 40) - 20); break;
      case 2: d = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 200) - 100); break;
      default: {
        uint64_t bits = rng();
        std::memcpy(&d, &bits, sizeof d);
        if (!std::isfinite(d) || d == 0)
          continue;
      }
    }
    if (d == 0)
      continue;
    if (rng() % 2)
      d = -d;
    INFO(expected(d));
    REQUIRE(json_to_string(value{d}) == expected(d));
  }
}

TEST_CASE("a raw control byte in a string is named as such, not as an escape") {
  std::string err = decode_error(std::string("{\"a\": \"x\x01y\"}"));
  CHECK(err == "invalid JSON: unescaped control character in string at byte 8");
  CHECK(decode_error(R"({"a": "\q"})").find("Invalid escape character") != std::string::npos);
}

TEST_CASE("NaN and infinities encode as null") {
  CHECK(json_to_string(value{std::nan("")}) == "null");
  CHECK(json_to_string(value{HUGE_VAL}) == "null");
}

TEST_CASE("integers keep their signedness and range") {
  value v = decode_ok("[-9223372036854775808, 9223372036854775807, 18446744073709551615, "
                      "18446744073709551616]");
  const auto& a = v.as_array();
  CHECK(a[0].kind() == value_kind::i64);
  CHECK(a[0].as_i64_unchecked() == INT64_MIN);
  CHECK(a[1].kind() == value_kind::i64);
  CHECK(a[2].kind() == value_kind::u64);
  CHECK(a[2].as_u64_unchecked() == UINT64_MAX);
  CHECK(a[3].is_float());
  CHECK(json_to_string(v) == "[-9223372036854775808,9223372036854775807,18446744073709551615,"
                             "1.8446744073709552e19]");
}

// Found by tools/fuzz.sh (json_codec, UBSan: clz(0) in RapidJSON's DiyFp):
// RapidJSON 1.1.0 read "0e-296" as 1.167984798111282e195.
TEST_CASE("zero with any exponent is zero and tiny or huge exponents round correctly") {
  for (const char* zero : {"0e-296", "0.0e-300", "0e-324", "0E+300", "0.000e-9999", "0e-10"}) {
    INFO(zero);
    value v = decode_ok(zero);
    REQUIRE(v.is_float());
    CHECK(v.as_f64_unchecked() == 0.0);
    CHECK_FALSE(std::signbit(v.as_f64_unchecked()));
  }
  CHECK(std::signbit(decode_ok("-0e-296").as_f64_unchecked()));
  CHECK(decode_ok("1e-296").as_f64_unchecked() == 1e-296);
  CHECK(decode_ok("4.9406564584124654e-324").as_f64_unchecked() == 4.9406564584124654e-324);
  CHECK(decode_ok("1e-400").as_f64_unchecked() == 0.0);
  CHECK(decode_ok("1.7976931348623157e308").as_f64_unchecked() == 1.7976931348623157e308);
  CHECK(decode_ok("[0.1, 2.5e-3]") == value{array{0.1, 2.5e-3}});
  decode_error("1e400");
  decode_error("1.8e308");
}

TEST_CASE("sorted mode orders keys at every level while unsorted keeps insertion order") {
  value v = decode_ok(R"({"b":1,"a":{"z":[{"y":1,"x":2}],"c":null},"A":true})");
  CHECK(json_to_string(v, json_mode::unsorted)
        == R"({"b":1,"a":{"z":[{"y":1,"x":2}],"c":null},"A":true})");
  CHECK(json_to_string(v, json_mode::sorted)
        == R"({"A":true,"a":{"c":null,"z":[{"x":2,"y":1}]},"b":1})");
}

TEST_CASE("a duplicate key keeps the last value at the first position") {
  value v = decode_ok(R"({"a":1,"b":2,"a":3})");
  CHECK(json_to_string(v) == R"({"a":3,"b":2})");
  // Big objects take the hashed path.
  std::string big = "{";
  for (int i = 0; i < 40; ++i)
    big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  big += "\"k7\":\"last\"}";
  value b = decode_ok(big);
  CHECK(b.as_record().size() == 40);
  CHECK(b.as_record().entries()[7].second == value{"last"});
}

TEST_CASE("strings are escaped so that any text round trips") {
  value v{std::string("q\"b\\s/\n\t\x01\x7f\xc3\xa9", 12)};
  CHECK(json_to_string(v) == "\"q\\\"b\\\\s/\\n\\t\\u0001\x7f\xc3\xa9\"");
  CHECK(decode_ok("\"\\u00e9\\ud834\\udd1e\"") == value{"é𝄞"});
  std::string long_text(1000, 'x');
  long_text[500] = '"';
  CHECK(decode_ok(json_to_string(value{long_text})) == value{long_text});
}

TEST_CASE("an escape at any position of a long string is written correctly") {
  for (size_t len : {1u, 15u, 16u, 17u, 40u}) {
    for (size_t at = 0; at < len; ++at) {
      for (char special : {'"', '\\', '\n', '\x02'}) {
        std::string text(len, 'x');
        text[at] = special;
        std::string expected = "\"";
        for (char c : text) {
          if (c == '"')
            expected += "\\\"";
          else if (c == '\\')
            expected += "\\\\";
          else if (c == '\n')
            expected += "\\n";
          else if (c == '\x02')
            expected += "\\u0002";
          else
            expected += c;
        }
        expected += "\"";
        REQUIRE(json_to_string(value{text}) == expected);
      }
    }
  }
}

TEST_CASE("wide but shallow documents decode like narrow ones") {
  // More than 64 brackets (some inside strings) takes the iterative parser.
  std::string text = "{\"s\":\"[[[[{{{{\",\"a\":[";
  for (int i = 0; i < 100; ++i)
    text += i ? ",[{}]" : "[{}]";
  text += "]}";
  value v = decode_ok(text);
  CHECK(v.get("a")->as_array().size() == 100);
  CHECK(json_to_string(v) == text);
}

TEST_CASE("bytes encode as an array of numbers") {
  CHECK(json_to_string(value{bytes{std::string("\x00\x7f\xff", 3)}}) == "[0,127,255]");
  CHECK(json_to_string(value{bytes{}}) == "[]");
}

TEST_CASE("invalid UTF-8 is rejected") {
  decode_error("\"\xff\"");
  decode_error("\"\xc3\"");           // truncated sequence
  decode_error("\"\xc0\xaf\"");       // overlong
  decode_error("\"\xed\xa0\x80\"");   // raw surrogate
  decode_error("\"\xf4\x90\x80\x80\""); // above U+10FFFF
  decode_error("{\"\xff\":1}");       // in a key
  CHECK(decode_ok("\"\xf0\x9f\x98\x80\"") == value{"😀"});
}

TEST_CASE("lone surrogate escapes are rejected") {
  decode_error(R"("\ud800")");
  decode_error(R"("\udc00")");
  decode_error(R"("\ud800x")");
  decode_error(R"("\ud800\u0041")");
  decode_error(R"({"\udfff":1})");
  decode_error(R"(["ok", "\uDC00"])");
  // An escaped backslash before "udc00" is plain text, not an escape.
  CHECK(decode_ok(R"("\\udc00")") == value{"\\udc00"});
  CHECK(decode_ok(R"(["\\udc00", "\ud83d\ude00"])") == value{array{"\\udc00", "😀"}});
}

TEST_CASE("a megabyte of open brackets is an error and not a crash") {
  std::string deep(1 << 20, '[');
  auto err = decode_error(deep);
  CHECK(err.find("1024") != std::string::npos);
  std::string objects;
  for (int i = 0; i < 100000; ++i)
    objects += "{\"a\":";
  decode_error(objects);
}

TEST_CASE("nesting up to the limit decodes and encodes but one more level fails both ways") {
  std::string ok_text = std::string(json_max_depth, '[') + std::string(json_max_depth, ']');
  value v = decode_ok(ok_text);
  CHECK(json_to_string(v) == ok_text);
  decode_error("[" + ok_text + "]");
  value deeper = array{std::move(v)};
  std::string out = "kept", err;
  CHECK_FALSE(json_encode(deeper, json_mode::unsorted, out, err));
  CHECK(err.find("1024") != std::string::npos);
  CHECK(out == "kept"); // nothing of the failed document is left behind
}

TEST_CASE("malformed documents are rejected with the byte offset") {
  auto err = decode_error("{\"a\":1,}");
  CHECK(err.find("at byte") != std::string::npos);
  decode_error("");
  decode_error("   ");
  decode_error("{} {}");
  decode_error("[1,]");
  decode_error("NaN");
  decode_error("\"a\x01\"");
  decode_error(std::string("\"a\0b\"", 5));
  decode_error(std::string("1\0x", 3));
  decode_error(std::string("[1] \0", 5));
  CHECK(decode_ok("  {\"a\" : [ 1 , 2 ] }\n") == value{record{{"a", array{1, 2}}}});
}

TEST_CASE("mutated documents never crash the decoder and valid results re-encode") {
  value_generator gen(77);
  std::mt19937_64 rng(78);
  json_decoder decoder;
  const std::string_view specials = "[]{}\",:\\ 0e-.tfn\x80\xff\xed\xa0u";
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = json_to_string(gen.make(0));
    temblor::test::mutate(text, rng, specials);
    value v;
    std::string err;
    if (decoder.decode(text, v, err)) {
      ++accepted;
      value back;
      REQUIRE(decoder.decode(json_to_string(v), back, err));
      REQUIRE(v == back);
    } else {
      REQUIRE_FALSE(err.empty());
    }
  }
  CHECK(accepted > 0);
}

TEST_CASE("a decoder is reusable after an error") {
  json_decoder d;
  value v;
  std::string err;
  CHECK_FALSE(d.decode("[[[{\"a\":", v, err));
  CHECK(d.decode("[1]", v, err));
  CHECK(v == value{array{1}});
}

TEST_CASE("the json codec honours its mode config") {
  std::string err;
  auto sorted = make_json_codec(value{record{{"mode", "sorted"}}}, err);
  REQUIRE(sorted);
  std::string out;
  CHECK(sorted->encode(value{record{{"b", 1}, {"a", 2}}}, out, err));
  CHECK(out == R"({"a":2,"b":1})");
  CHECK_FALSE(make_json_codec(value{record{{"mode", "sideways"}}}, err));
  CHECK(err.find("sideways") != std::string::npos);
  CHECK_FALSE(make_json_codec(value{record{{"mod", "sorted"}}}, err));
  CHECK(err.find("did you mean `mode`") != std::string::npos);
}

}
