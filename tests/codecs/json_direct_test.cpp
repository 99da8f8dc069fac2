#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "codecs/json.hpp"
#include "codecs/json_direct.hpp"
#include "tests/codecs/value_generator.hpp"

using namespace temblor;
using namespace temblor::codecs;
using temblor::test::same;
using temblor::test::value_generator;

namespace {

std::string nested(size_t depth, const std::string& inner) {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

// Documents where the two decoders could plausibly disagree.
std::vector<std::string> tricky_documents() {
  std::vector<std::string> docs = {
      // numbers: integer ranges, signed zeros, exponents near the limits
      "0", "-0", "0.0", "-0.0", "-0e0", "1", "-1", "9223372036854775807",
      "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
      "18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
      "1234567890123456789012345678901234567890123", "1e400", "-1e400", "1e-400", "-1e-400",
      "1e308", "1e309", "0e309", "0e-296", "10e308", "0.001e309", "1.7976931348623157e308",
      "1.7976931348623158e308", "4.9e-324", "2.5e-324", "1E+2", "1e-07", "1.5E-99", "1.5e99",
      "0.1", "3.141592653589793238462643383279", "[1.0,2.50,-3e2,1e1]",
      // malformed numbers
      "01", "-", "--1", "1.", ".5", "+1", "1e", "1e+", "1ee2", "0x10", "1.e5", "-01", "1_000",
      "Infinity", "NaN", "-Infinity",
      // literals
      "true", "false", "null", "tru", "nul", "nulll", "truefalse", "[true,false,null]", "TRUE",
      // strings and escapes
      "\"\"", "\"plain\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u0000\"", "\"a\\u0000b\"",
      "\"\\u00e9\\u20AC\\ud834\\udd1e\"", "\"\\uD83D\\uDE00\"", "\"\\ud800\"", "\"\\udc00\"",
      "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"\\ud800\\\"\"", "\"\\udbff\\udfff\"", "\"\\u12\"",
      "\"\\u12g4\"", "\"\\x41\"", "\"\\'\"", "\"tab\there\"", "\"nl\nhere\"", "\"\x7f\"",
      "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e\"", "\"a very long string that crosses several sixteen byte blocks \\n and then \xc3\xa9 some more text after it\"",
      "\"\\\\udc00\"", "\"\\\\\"", "\"unterminated", "\"esc at end\\", "\"\\u",
      // invalid UTF-8, in and out of strings
      "\"\xff\"", "\"\xc3\"", "\"\xc3\\n\"", "\"\\n\xa9\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
      "\"\xf4\x90\x80\x80\"", "{\"\xff\":1}", "[1,\xff]", "\xef\xbb\xbf{}",
      "\"0123456789abcde\xff and more than sixteen bytes\"",
      // NUL and control bytes
      std::string("\"a\0b\"", 5), std::string("1\0", 2), std::string("[1] \0", 5),
      std::string("\0", 1), "\"a\x01\"", "\"\x1f\"",
      // containers, whitespace, duplicates
      "{}", "[]", "{ }", "[ ]", " \t\r\n{\"a\" : [ 1 , 2 ] }\n ", "{\"a\":1,}", "[1,]", "[,1]",
      "{,}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{1:2}", "{'a':1}", "[1 2]", "[1,,2]", "[", "]",
      "{", "}", "{\"a\":1", "[1", "{} {}", "1 2", "", "   ", "\v1", "\f1",
      "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":{\"x\":1,\"x\":2},\"b\":[{\"k\":1,\"k\":{}}]}",
      "{\"\":0,\"\":1}", "{\"\\u0061\":1,\"a\":2}", "{\"é\":\"€\"}",
      // nesting around the direct reader's limit and the codec's
      nested(63, "1"), nested(64, "1"), nested(65, "1"), nested(100, "{\"a\":[]}"),
      nested(1024, ""), nested(1025, ""), nested(3000, "")};
  // Wide documents: many members (the duplicate check switches method at 24).
  std::string wide = "{";
  for (int i = 0; i < 40; ++i)
    wide += (i ? ",\"k" : "\"k") + std::to_string(i % 30) + "\":" + std::to_string(i);
  docs.push_back(wide + "}");
  docs.push_back(wide + ",}");
  return docs;
}

// Both paths must agree on everything: success, the exact value (kinds,
// order, the sign of zero) and the error message.
void check_alike(const std::string& doc) {
  INFO("document: " << doc.substr(0, 120));
  json_decoder direct_first, reference;
  value a, b;
  std::string err_a, err_b;
  bool ok_a = direct_first.decode(doc, a, err_a);
  bool ok_b = reference.decode_with_rapidjson(doc, b, err_b);
  REQUIRE(ok_a == ok_b);
  if (ok_a) {
    CHECK(same(a, b));
    CHECK(json_to_string(a) == json_to_string(b));
  } else {
    CHECK(err_a == err_b);
  }
}

bool direct_reads(std::string_view doc) {
  json_direct_reader reader;
  value v;
  return reader.read(doc, v);
}

} // namespace

TEST_SUITE("codecs.json_direct") {

TEST_CASE("the direct reader and the RapidJSON path decode tricky documents alike") {
  for (const auto& doc : tricky_documents())
    check_alike(doc);
}

TEST_CASE("the direct reader reads ordinary documents itself and gives up on errors") {
  // Otherwise the comparisons above would only compare RapidJSON with itself.
  CHECK(direct_reads("{\"@timestamp\":\"2026-11-23T10:13:41Z\",\"level\":\"info\",\"pid\":9250,"
                     "\"http\":{\"latency_ms\":28.495,\"ok\":true},\"tags\":[\"a\",\"b\"],"
                     "\"error\":null,\"big\":18446744073709551615,\"neg\":-0.0}"));
  CHECK(direct_reads("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud834\\udd1e caf\xc3\xa9\""));
  CHECK(direct_reads("{\"a\":1,\"a\":2}"));
  CHECK(direct_reads(nested(64, "1")));
  CHECK(direct_reads(" 1e99 "));
  for (const char* bad : {"{\"a\":1,}", "\"\\udc00\"", "\"\\ud800\"", "\"\xff\"", "\"a\x01\"",
                          "01", "1e309", "0e309", "1e100", "[1] x", "", "\xef\xbb\xbf{}"})
    CHECK_FALSE(direct_reads(bad));
  CHECK_FALSE(direct_reads(nested(65, "1")));
}

TEST_CASE("the direct reader and the RapidJSON path agree on generated and mutated documents") {
  value_generator gen(4711);
  std::mt19937_64 rng(4712);
  const std::string_view specials = "[]{}\",:\\ 0123456789e-+.tfnu\x80\xff\xed\xa0\xc3\x01";
  size_t direct = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = json_to_string(gen.make(0));
    if (i % 2 == 1)
      temblor::test::mutate(text, rng, specials);
    check_alike(text);
    direct += direct_reads(text) ? 1 : 0;
  }
  // Every unmutated document, at least, took the direct path.
  CHECK(direct >= 10000);
}

} // TEST_SUITE
