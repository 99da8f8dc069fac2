#include <doctest/doctest.h>

#include "codecs/processors/base64.hpp"
#include "codecs/processors/processor.hpp"

using namespace temblor;
using namespace temblor::codecs;

TEST_SUITE("codecs.processors") {

TEST_CASE("base64 encodes and decodes the RFC 4648 test vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : vectors) {
    std::string out;
    base64_encode(plain, out);
    CHECK(out == enc);
    std::string back;
    CHECK(base64_decode(enc, back));
    CHECK(back == plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  std::string enc, back;
  base64_encode(all, enc);
  CHECK(base64_decode(enc, back));
  CHECK(back == all);
}

TEST_CASE("base64 rejects malformed input") {
  std::string out;
  CHECK_FALSE(base64_decode("Zm9", out));
  CHECK_FALSE(base64_decode("Zm=v", out));
  CHECK_FALSE(base64_decode("Z===", out));
  CHECK_FALSE(base64_decode("Zm9v!A==", out));
  CHECK_FALSE(base64_decode("Zg==Zg==", out));
}

TEST_CASE("the base64 preprocessor reports bad chunks as errors") {
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  REQUIRE(make_preprocessors(value{array{"base64"}}, pre, err));
  std::vector<std::string> out;
  uint64_t ingest = 0;
  CHECK(pre[0]->process(ingest, "aGk=", out, err));
  CHECK(out == std::vector<std::string>{"hi"});
  CHECK_FALSE(pre[0]->process(ingest, "a", out, err));
  CHECK(err.find("base64") != std::string::npos);
}

TEST_CASE("remove-empty drops empty chunks only") {
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  REQUIRE(make_preprocessors(value{array{"remove-empty"}}, pre, err));
  std::vector<std::string> out;
  uint64_t ingest = 0;
  for (const char* c : {"a", "", " ", ""})
    CHECK(pre[0]->process(ingest, c, out, err));
  CHECK(out == std::vector<std::string>{"a", " "});
}

TEST_CASE("length-prefixed frames survive any split and report a truncated tail") {
  std::vector<std::unique_ptr<postprocessor>> post;
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  REQUIRE(make_postprocessors(value{array{"length-prefixed"}}, post, err));
  REQUIRE(make_preprocessors(value{array{"length-prefixed"}}, pre, err));
  std::vector<std::string> framed;
  std::vector<std::string> messages{"hello", "", std::string(300, 'x'), "bye"};
  for (const auto& m : messages)
    CHECK(post[0]->process(0, 0, m, framed, err));
  CHECK(framed[0] == std::string("\0\0\0\0\0\0\0\x05hello", 13));
  std::string stream;
  for (const auto& f : framed)
    stream += f;
  std::vector<std::string> out;
  uint64_t ingest = 0;
  for (size_t i = 0; i < stream.size(); i += 7)
    CHECK(pre[0]->process(ingest, std::string_view(stream).substr(i, 7), out, err));
  CHECK(out == messages);
  CHECK(pre[0]->process(ingest, std::string("\0\0\0\0\0\0\0\x09" "abc", 11), out, err));
  CHECK_FALSE(pre[0]->finish(out, err));
  CHECK(err.find("11") != std::string::npos);
}

}

TEST_SUITE("codecs.processors") {

TEST_CASE("textual-length-prefixed frames survive any split") {
  std::vector<std::unique_ptr<postprocessor>> post;
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  REQUIRE(make_postprocessors(value{array{"textual-length-prefixed"}}, post, err));
  REQUIRE(make_preprocessors(value{array{"textual-length-prefix"}}, pre, err));
  std::vector<std::string> framed;
  std::vector<std::string> messages{"<13>1 hello", "", std::string(123, 'x'), "a b c"};
  for (const auto& m : messages)
    CHECK(post[0]->process(0, 0, m, framed, err));
  CHECK(framed[0] == "11 <13>1 hello");
  std::string stream;
  for (const auto& f : framed)
    stream += f;
  for (size_t step : {1u, 2u, 5u, 1000u}) {
    std::vector<std::unique_ptr<preprocessor>> fresh;
    REQUIRE(make_preprocessors(value{array{"textual-length-prefixed"}}, fresh, err));
    std::vector<std::string> out;
    uint64_t ingest = 0;
    for (size_t i = 0; i < stream.size(); i += step)
      CHECK(fresh[0]->process(ingest, std::string_view(stream).substr(i, step), out, err));
    CHECK(fresh[0]->finish(out, err));
    CHECK(out == messages);
  }
}

TEST_CASE("textual-length-prefixed reports a malformed prefix and recovers afterwards") {
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  REQUIRE(make_preprocessors(value{array{"textual-length-prefixed"}}, pre, err));
  std::vector<std::string> out;
  uint64_t ingest = 0;
  CHECK_FALSE(pre[0]->process(ingest, "x3 abc", out, err));
  CHECK(err.find("malformed") != std::string::npos);
  CHECK(pre[0]->process(ingest, "3 abc", out, err));
  CHECK(out == std::vector<std::string>{"abc"});
  CHECK(pre[0]->process(ingest, "5 ab", out, err));
  CHECK_FALSE(pre[0]->finish(out, err));
}

TEST_CASE("ingest-ns moves the ingest time through the byte stream") {
  std::vector<std::unique_ptr<postprocessor>> post;
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  REQUIRE(make_postprocessors(value{array{"ingest-ns"}}, post, err));
  REQUIRE(make_preprocessors(value{array{"ingest-ns"}}, pre, err));
  std::vector<std::string> framed;
  CHECK(post[0]->process(0x0102030405060708ull, 99, "payload", framed, err));
  CHECK(framed[0] == "\x01\x02\x03\x04\x05\x06\x07\x08payload");
  std::vector<std::string> out;
  uint64_t ingest = 0;
  CHECK(pre[0]->process(ingest, framed[0], out, err));
  CHECK(ingest == 0x0102030405060708ull);
  CHECK(out == std::vector<std::string>{"payload"});
  CHECK_FALSE(pre[0]->process(ingest, "short", out, err));
}

}

TEST_SUITE("codecs.processors") {

TEST_CASE("chunk packs whole frames up to max_bytes and flushes at stream end") {
  std::vector<std::unique_ptr<postprocessor>> post;
  std::string err;
  REQUIRE(make_postprocessors(
      value{array{record{{"name", "chunk"}, {"config", record{{"max_bytes", 10}}}}}}, post, err));
  std::vector<std::string> out;
  for (const char* f : {"aaaa", "bbbb", "cc", "dddd", "0123456789ABC", "e"})
    CHECK(post[0]->process(0, 0, f, out, err));
  CHECK(out == std::vector<std::string>{"aaaabbbbcc", "dddd", "0123456789ABC"});
  CHECK(post[0]->finish(out, err));
  CHECK(out.back() == "e");
}

TEST_CASE("collect holds everything until stream end unless max_bytes is reached") {
  std::vector<std::unique_ptr<postprocessor>> post;
  std::string err;
  REQUIRE(make_postprocessors(value{array{"collect",
                                          record{{"name", "collect"},
                                                 {"config", record{{"max_bytes", 4}}}}}},
                              post, err));
  std::vector<std::string> all, some;
  for (const char* f : {"ab", "cd", "ef"}) {
    CHECK(post[0]->process(0, 0, f, all, err));
    CHECK(post[1]->process(0, 0, f, some, err));
  }
  CHECK(all.empty());
  CHECK(some == std::vector<std::string>{"abcd"});
  CHECK(post[0]->finish(all, err));
  CHECK(post[1]->finish(some, err));
  CHECK(all == std::vector<std::string>{"abcdef"});
  CHECK(some == std::vector<std::string>{"abcd", "ef"});
}

}
