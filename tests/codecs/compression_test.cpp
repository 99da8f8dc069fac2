#include <doctest/doctest.h>

#include <random>

#include "codecs/processors/compression.hpp"
#include "codecs/processors/processor.hpp"

using namespace temblor;
using namespace temblor::codecs;

namespace {

std::string sample_text() {
  std::string s;
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i)
    s += "{\"n\":" + std::to_string(rng() % 1000) + ",\"msg\":\"hello compression\"}\n";
  return s;
}

const compression all[] = {compression::gzip, compression::zlib, compression::xz2,
                           compression::zstd, compression::lz4,  compression::br};

} // namespace

TEST_SUITE("codecs.compression") {

TEST_CASE("every available algorithm round trips and is autodetected where it has magic bytes") {
  std::string plain = sample_text();
  for (auto c : all) {
    INFO(compression_name(c));
    if (!compression_available(c))
      continue;
    std::string packed, err;
    REQUIRE(compress(c, std::nullopt, plain, packed, err));
    CHECK(packed.size() < plain.size());
    std::string back;
    REQUIRE(decompress(c, packed, back, err));
    CHECK(back == plain);
    if (c != compression::br) {
      auto detected = detect_compression(packed);
      REQUIRE(detected.has_value());
      CHECK(*detected == c);
    }
  }
}

TEST_CASE("the common algorithms are available in this build") {
  CHECK(compression_available(compression::gzip));
  CHECK(compression_available(compression::zlib));
  CHECK(compression_available(compression::xz2));
  CHECK(compression_available(compression::zstd));
  CHECK(compression_available(compression::lz4));
}

TEST_CASE("corrupt and truncated input is an error for every algorithm") {
  std::string plain = sample_text();
  for (auto c : all) {
    INFO(compression_name(c));
    if (!compression_available(c))
      continue;
    std::string packed, err, out;
    REQUIRE(compress(c, std::nullopt, plain, packed, err));
    CHECK_FALSE(decompress(c, std::string_view(packed).substr(0, packed.size() / 2), out, err));
    CHECK_FALSE(err.empty());
    std::string garbage = packed;
    for (size_t i = garbage.size() / 3; i < garbage.size(); i += 7)
      garbage[i] = static_cast<char>(garbage[i] ^ 0x5a);
    out.clear();
    err.clear();
    CHECK_FALSE(decompress(c, garbage, out, err));
  }
}

TEST_CASE("decompress autodetects per chunk and passes unknown data through") {
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  REQUIRE(make_preprocessors(value{array{"decompress"}}, pre, err));
  std::string gz, zs;
  REQUIRE(compress(compression::gzip, 9, "gzip text", gz, err));
  REQUIRE(compress(compression::zstd, std::nullopt, "zstd text", zs, err));
  std::vector<std::string> out;
  uint64_t ingest = 0;
  CHECK(pre[0]->process(ingest, gz, out, err));
  CHECK(pre[0]->process(ingest, "plain text", out, err));
  CHECK(pre[0]->process(ingest, zs, out, err));
  CHECK(out == std::vector<std::string>{"gzip text", "plain text", "zstd text"});
}

TEST_CASE("a fixed decompress algorithm rejects other data") {
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  REQUIRE(make_preprocessors(
      value{array{record{{"name", "decompress"}, {"config", record{{"algorithm", "gzip"}}}}}}, pre,
      err));
  std::vector<std::string> out;
  uint64_t ingest = 0;
  CHECK_FALSE(pre[0]->process(ingest, "plain text", out, err));
  CHECK(err.rfind("decompress: ", 0) == 0);
}

TEST_CASE("compress needs an algorithm and checks its level at build time") {
  std::vector<std::unique_ptr<postprocessor>> post;
  std::string err;
  CHECK_FALSE(make_postprocessors(value{array{"compress"}}, post, err));
  CHECK(err.find("algorithm") != std::string::npos);
  auto with = [](value cfg) { return value{array{record{{"name", "compress"}, {"config", cfg}}}}; };
  CHECK_FALSE(make_postprocessors(with(record{{"algorithm", "gzap"}}), post, err));
  CHECK(err.find("available: gzip") != std::string::npos);
  CHECK_FALSE(make_postprocessors(with(record{{"algorithm", "snappy"}}), post, err));
  CHECK_FALSE(make_postprocessors(with(record{{"algorithm", "xz2"}, {"level", 99}}), post, err));
  REQUIRE(make_postprocessors(with(record{{"algorithm", "lz4"}, {"level", 3}}), post, err));
  std::vector<std::string> out;
  CHECK(post[0]->process(0, 0, "frame", out, err));
  std::string back;
  REQUIRE(decompress(compression::lz4, out[0], back, err));
  CHECK(back == "frame");
}

}

TEST_SUITE("codecs.compression") {

TEST_CASE("streaming-compress makes one stream over all frames that decompresses whole") {
  for (const char* algorithm : {"xz2", "zstd"}) {
    INFO(algorithm);
    std::vector<std::unique_ptr<postprocessor>> post;
    std::string err;
    REQUIRE(make_postprocessors(value{array{record{{"name", "streaming-compress"},
                                                   {"config", record{{"algorithm", algorithm}}}}}},
                                post, err));
    std::vector<std::string> out;
    std::string plain;
    for (int i = 0; i < 1000; ++i) {
      std::string frame = "{\"n\":" + std::to_string(i) + "}\n";
      plain += frame;
      CHECK(post[0]->process(0, 0, frame, out, err));
    }
    CHECK(post[0]->finish(out, err));
    std::string stream;
    for (const auto& o : out)
      stream += o;
    std::string back;
    REQUIRE(decompress(*compression_from_name(algorithm), stream, back, err));
    CHECK(back == plain);
  }
  std::vector<std::unique_ptr<postprocessor>> post;
  std::string err;
  CHECK_FALSE(make_postprocessors(value{array{record{{"name", "streaming-compress"},
                                                     {"config", record{{"algorithm", "gzip"}}}}}},
                                  post, err));
  CHECK(err.find("xz2 or zstd") != std::string::npos);
}

}
