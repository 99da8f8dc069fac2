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

uint32_t crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void append_le32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// The start of an .xz stream whose one block's LZMA2 filter names a 1 GiB
// dictionary (xz file format 1.1.0, sections 2.1.1 and 3.1; LZMA2 dictionary
// byte 36 = 2 << 29): 44 bytes that ask the decoder for 1 GiB.
std::string xz_with_1gib_dictionary() {
  std::string flags("\x00\x01", 2); // check type CRC32
  std::string out = std::string("\xFD" "7zXZ\x00", 6) + flags;
  append_le32(out, crc32(flags));
  // size (12 / 4 - 1), block flags (one filter, no sizes), filter 0x21
  // (LZMA2) with one property byte, padding to a multiple of four.
  std::string header("\x02\x00\x21\x01\x24\x00\x00\x00", 8);
  out += header;
  append_le32(out, crc32(header));
  out += std::string("\x01\x00\x03" "abcd" "\x00", 8); // one stored LZMA2 chunk, end
  return out + std::string(16, '\0');
}

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

TEST_CASE("decompression stops at its output bound for every algorithm") {
  // 1 MiB of zeros compresses to a few KiB: a small bomb.
  std::string zeros(size_t{1} << 20, '\0');
  for (auto c : all) {
    INFO(compression_name(c));
    if (!compression_available(c))
      continue;
    std::string packed, err;
    REQUIRE(compress(c, std::nullopt, zeros, packed, err));
    CHECK(packed.size() < zeros.size() / 64);
    std::string out = "kept";
    CHECK_FALSE(decompress(c, packed, out, err, zeros.size() - 1));
    CHECK(err == "decompressed data exceeds 1048575 bytes");
    CHECK(out == "kept");
    REQUIRE(decompress(c, packed, out, err, zeros.size()));
    CHECK(out == "kept" + zeros);
  }
}

TEST_CASE("the decompress preprocessor bounds each chunk by max_output_bytes") {
  auto with = [](value cfg) {
    return value{array{record{{"name", "decompress"}, {"config", std::move(cfg)}}}};
  };
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  CHECK_FALSE(make_preprocessors(with(record{{"max_output_bytes", 0}}), pre, err));
  CHECK(err.find("max_output_bytes") != std::string::npos);
  REQUIRE(make_preprocessors(with(record{{"max_output_bytes", 1000}}), pre, err));
  std::string fits, over;
  REQUIRE(compress(compression::gzip, std::nullopt, std::string(1000, 'x'), fits, err));
  REQUIRE(compress(compression::gzip, std::nullopt, std::string(1001, 'x'), over, err));
  std::vector<std::string> out;
  uint64_t ingest = 0;
  CHECK(pre[0]->process(ingest, fits, out, err));
  CHECK_FALSE(pre[0]->process(ingest, over, out, err));
  CHECK(err == "decompress: decompressed data exceeds 1000 bytes");
  CHECK(out == std::vector<std::string>{std::string(1000, 'x')});
}

TEST_CASE("an xz stream that asks for more than the decoder's memory limit is refused") {
  if (!compression_available(compression::xz2))
    return;
  std::string out, err;
  CHECK_FALSE(decompress(compression::xz2, xz_with_1gib_dictionary(), out, err));
  CHECK(err == "xz2: the stream needs more than 256 MiB of memory to decode");
  CHECK(out.empty());
}

}
