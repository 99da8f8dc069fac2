#include <doctest/doctest.h>

#include "codecs/chain.hpp"

using namespace temblor;
using namespace temblor::codecs;

namespace {

// Emits the first byte of each frame, then fails: a postprocessor that
// breaks halfway.
struct emit_then_fail final : postprocessor {
  bool process(uint64_t, uint64_t, std::string data, std::vector<std::string>& out,
               std::string& err) override {
    out.push_back(data.substr(0, 1));
    err = "refused the rest";
    return false;
  }
};

chain_spec spec(value codec, value pre = {}, value post = {}) {
  return chain_spec{std::move(codec), std::move(pre), std::move(post)};
}

} // namespace

TEST_SUITE("codecs.chain") {

TEST_CASE("a decoder chain splits lines and decodes JSON and routes bad lines as errors") {
  auto s = spec("json", array{"separate"});
  std::string err;
  REQUIRE(s.validate(err));
  auto d = s.make_decoder();
  REQUIRE(d);
  std::vector<decoded> out;
  d->decode(7, "{\"a\":1}\n\nnot json\n[1,", out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].ok);
  CHECK(out[0].data == value{record{{"a", 1}}});
  CHECK(out[0].ingest_ns == 7);
  CHECK_FALSE(out[1].ok); // an empty line reaches the codec, as in Tremor
  CHECK_FALSE(out[2].ok);
  CHECK(out[2].error.find("invalid JSON") != std::string::npos);
  d->decode(8, "2]", out);
  CHECK(out.size() == 3);
  d->finish(out);
  REQUIRE(out.size() == 4);
  CHECK(out[3].ok);
  CHECK(out[3].data == value{array{1, 2}});
}

TEST_CASE("preprocessor errors are reported after the chunks they let through") {
  auto d = spec("string", array{record{{"name", "separate"}, {"config", record{{"max_length", 3}}}}})
               .make_decoder();
  REQUIRE(d);
  std::vector<decoded> out;
  d->decode(1, "abc\nabcd\nxy\n", out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].data == value{"abc"});
  CHECK(out[1].data == value{"xy"});
  CHECK_FALSE(out[2].ok);
  CHECK(out[2].error.find("max_length 3") != std::string::npos);
}

TEST_CASE("stacked preprocessors run in order and flush in order at stream end") {
  // base64 lines: each line is decoded, then split again on '|'.
  auto d = spec("string", array{"separate", "base64",
                                record{{"name", "separate"}, {"config", record{{"separator", "|"}}}}})
               .make_decoder();
  REQUIRE(d);
  std::vector<decoded> out;
  d->decode(1, "YXxifGM=\nZA==", out); // "a|b|c", then "d" without a newline
  REQUIRE(out.size() == 2);
  CHECK(out[0].data == value{"a"});
  CHECK(out[1].data == value{"b"});
  // The first stage's tail ("d") joins the second stage's tail ("c").
  d->finish(out);
  REQUIRE(out.size() == 3);
  CHECK(out[2].data == value{"cd"});
}

TEST_CASE("a preprocessor may rewrite the ingest time of what it emits") {
  auto s = spec("string", array{"ingest-ns"}, array{"ingest-ns"});
  auto e = s.make_encoder();
  auto d = s.make_decoder();
  REQUIRE(e);
  REQUIRE(d);
  std::vector<std::string> frames;
  std::string err;
  REQUIRE(e->encode(value{"hi"}, 123456789, frames, err));
  std::vector<decoded> out;
  d->decode(1, frames[0], out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].ok);
  CHECK(out[0].ingest_ns == 123456789);
  CHECK(out[0].data == value{"hi"});
}

TEST_CASE("an encoder chain produces one framed chunk per event") {
  auto e = spec("json-sorted", {}, array{"separate"}).make_encoder();
  REQUIRE(e);
  std::vector<std::string> frames;
  std::string err;
  CHECK(e->encode(value{record{{"b", 1.0}, {"a", "x"}}}, 1, frames, err));
  CHECK(e->encode(value{"s"}, 2, frames, err));
  CHECK(frames == std::vector<std::string>{"{\"a\":\"x\",\"b\":1.0}\n", "\"s\"\n"});
  e->finish(frames);
  CHECK(frames.size() == 2);
}

TEST_CASE("an encoder chain flushes collecting postprocessors through later ones at the end") {
  auto e = spec("json", {}, array{"separate", "collect", "base64"}).make_encoder();
  REQUIRE(e);
  std::vector<std::string> frames;
  std::string err;
  for (int i = 1; i <= 3; ++i)
    CHECK(e->encode(value{i}, 0, frames, err));
  CHECK(frames.empty());
  CHECK(e->finish(frames, err));
  CHECK(frames == std::vector<std::string>{"MQoyCjMK"}); // base64 of "1\n2\n3\n"
}

TEST_CASE("an encoder chain fails values that cannot be encoded") {
  auto e = spec("json").make_encoder();
  REQUIRE(e);
  value deep;
  for (int i = 0; i < 1100; ++i)
    deep = array{std::move(deep)};
  std::vector<std::string> frames;
  std::string err;
  CHECK_FALSE(e->encode(deep, 0, frames, err));
  CHECK(frames.empty());
  CHECK_FALSE(err.empty());
}

TEST_CASE("a failing postprocessor leaves no partial frames behind") {
  std::string err;
  std::vector<std::unique_ptr<postprocessor>> post;
  post.push_back(std::make_unique<emit_then_fail>());
  encoder_chain e(make_codec(value{"json"}, err), std::move(post));
  std::vector<std::string> frames{"earlier"};
  CHECK_FALSE(e.encode(value{"xy"}, 0, frames, err));
  CHECK(err == "refused the rest");
  CHECK(frames == std::vector<std::string>{"earlier"});
  // A codec failure leaves them alone too.
  auto csv = spec("csv", {}, array{"separate"}).make_encoder();
  REQUIRE(csv);
  CHECK_FALSE(csv->encode(value{"not an array"}, 0, frames, err));
  CHECK(frames == std::vector<std::string>{"earlier"});
}

TEST_CASE("the null codec drops input and writes nothing") {
  auto s = spec("null", array{"separate"}, array{"separate"});
  auto d = s.make_decoder();
  auto e = s.make_encoder();
  REQUIRE(d);
  REQUIRE(e);
  std::vector<decoded> out;
  d->decode(0, "a\nb\n", out);
  CHECK(out.empty());
  std::vector<std::string> frames;
  std::string err;
  CHECK(e->encode(value{1}, 0, frames, err));
  CHECK(frames == std::vector<std::string>{"\n"});
}

TEST_CASE("a chain spec names what is wrong") {
  std::string err;
  CHECK_FALSE(spec(value{}).validate(err));
  CHECK(err == "no codec given");
  CHECK_FALSE(spec("jsno").validate(err));
  CHECK(err.rfind("Unknown codec jsno; did you mean `json`?", 0) == 0);
  CHECK_FALSE(spec("json", array{"lines", "nope"}).validate(err));
  CHECK(err.rfind("Unknown preprocessor nope", 0) == 0);
  CHECK_FALSE(spec("json", {}, array{"base46"}).validate(err));
  CHECK(err.rfind("Unknown postprocessor base46; did you mean `base64`?", 0) == 0);
  CHECK(spec("json-sorted", array{"lines"}, array{"lines"}).validate(err));
}

}
