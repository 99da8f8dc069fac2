#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "codecs/processors/processor.hpp"
#include "codecs/processors/separate.hpp"

using namespace temblor;
using namespace temblor::codecs;

namespace {

std::unique_ptr<preprocessor> make_pre(const value& spec) {
  std::vector<std::unique_ptr<preprocessor>> chain;
  std::string err;
  bool ok = make_preprocessors(value{array{spec}}, chain, err);
  INFO(err);
  REQUIRE(ok);
  return std::move(chain.front());
}

struct run_result {
  std::vector<std::string> lines;
  size_t errors = 0;
};

// Feeds `chunks` in order, then ends the stream.
run_result run(preprocessor& p, const std::vector<std::string>& chunks, bool finish = true) {
  run_result r;
  for (const auto& c : chunks) {
    uint64_t ingest = 0;
    std::string err;
    if (!p.process(ingest, c, r.lines, err)) {
      CHECK_FALSE(err.empty());
      ++r.errors;
    }
  }
  if (finish) {
    std::string err;
    if (!p.finish(r.lines, err))
      ++r.errors;
  }
  return r;
}

std::vector<std::string> split_at(const std::string& s, std::vector<size_t> cuts) {
  std::vector<std::string> out;
  size_t prev = 0;
  for (size_t c : cuts) {
    out.push_back(s.substr(prev, c - prev));
    prev = c;
  }
  out.push_back(s.substr(prev));
  return out;
}

const value bare{"separate"};

} // namespace

TEST_SUITE("codecs.separate") {

TEST_CASE("lines come out the same however the stream is split") {
  std::mt19937 rng(4242);
  std::string stream;
  for (int i = 0; i < 300; ++i) {
    stream += std::string(rng() % 40, static_cast<char>('a' + i % 26));
    stream += '\n';
    if (i % 17 == 0)
      stream += '\n'; // empty lines too
  }
  stream += "tail without newline";

  auto p = make_pre(bare);
  auto expected = run(*p, {stream});
  CHECK(expected.errors == 0);
  CHECK(expected.lines.back() == "tail without newline");

  // Byte by byte.
  std::vector<std::string> bytes;
  for (char c : stream)
    bytes.emplace_back(1, c);
  auto q = make_pre(bare);
  CHECK(run(*q, bytes).lines == expected.lines);

  // Random splits, including empty chunks and cuts right at separators.
  for (int round = 0; round < 50; ++round) {
    std::vector<size_t> cuts;
    size_t n = rng() % 60;
    for (size_t i = 0; i < n; ++i)
      cuts.push_back(rng() % (stream.size() + 1));
    std::sort(cuts.begin(), cuts.end());
    auto r = make_pre(bare);
    auto got = run(*r, split_at(stream, cuts));
    CHECK(got.errors == 0);
    CHECK(got.lines == expected.lines);
  }
}

TEST_CASE("empty lines are emitted as empty chunks") {
  auto p = make_pre(bare);
  auto r = run(*p, {"a\n\n\nb\n"});
  CHECK(r.lines == std::vector<std::string>{"a", "", "", "b"});
  auto q = make_pre(bare);
  CHECK(run(*q, {"\n"}).lines == std::vector<std::string>{""});
}

TEST_CASE("finish flushes the trailing fragment and nothing else") {
  auto p = make_pre(bare);
  std::vector<std::string> out;
  uint64_t ingest = 0;
  std::string err;
  CHECK(p->process(ingest, "one\ntw", out, err));
  CHECK(out == std::vector<std::string>{"one"});
  CHECK(p->process(ingest, "o", out, err));
  CHECK(out.size() == 1);
  CHECK(p->finish(out, err));
  CHECK(out == std::vector<std::string>{"one", "two"});
  CHECK(p->finish(out, err));
  CHECK(out.size() == 2);
}

TEST_CASE("separate named bare limits lines to 8192 bytes") {
  auto p = make_pre(bare);
  std::string ok_line(8192, 'x');
  std::string long_line(8193, 'y');
  auto r = run(*p, {ok_line + "\n" + long_line + "\nafter\n"});
  CHECK(r.errors == 1);
  CHECK(r.lines == std::vector<std::string>{ok_line, "after"});
}

TEST_CASE("an over-long line split over many chunks is discarded whole and reported once") {
  auto p = make_pre(value{record{{"name", "separate"}, {"config", record{{"max_length", 10}}}}});
  auto r = run(*p, {"short\n0123456", "789abc", "def", "ghi\nnext\n", "0123456789\n"});
  CHECK(r.errors == 1);
  CHECK(r.lines == std::vector<std::string>{"short", "next", "0123456789"});
}

TEST_CASE("a config record without max_length means no limit") {
  auto p = make_pre(value{record{{"name", "separate"}, {"config", record{}}}});
  std::string huge(100000, 'z');
  auto r = run(*p, {huge.substr(0, 50000), huge.substr(50000) + "\n"});
  CHECK(r.errors == 0);
  CHECK(r.lines == std::vector<std::string>{huge});
}

TEST_CASE("when unbuffered every chunk ends an event") {
  auto p = make_pre(value{record{{"name", "separate"}, {"config", record{{"buffered", false}}}}});
  auto r = run(*p, {"a\nb", "c\n", "\n", "d"});
  CHECK(r.lines == std::vector<std::string>{"a", "b", "c", "", "d"});
}

TEST_CASE("a custom separator splits on that byte only") {
  auto p = make_pre(value{record{{"name", "separate"}, {"config", record{{"separator", "|"}}}}});
  auto r = run(*p, {"a|b\nc|", "d"});
  CHECK(r.lines == std::vector<std::string>{"a", "b\nc", "d"});
}

TEST_CASE("lines is accepted as the old name of separate both pre and post") {
  auto p = make_pre(value{"lines"});
  CHECK(run(*p, {"x\ny"}).lines == std::vector<std::string>{"x", "y"});
  std::vector<std::unique_ptr<postprocessor>> post;
  std::string err;
  REQUIRE(make_postprocessors(value{array{"lines"}}, post, err));
  std::vector<std::string> out;
  CHECK(post[0]->process(0, 0, "x", out, err));
  CHECK(out == std::vector<std::string>{"x\n"});
}

TEST_CASE("the separate postprocessor appends the separator to every event") {
  std::vector<std::unique_ptr<postprocessor>> post;
  std::string err;
  REQUIRE(make_postprocessors(
      value{array{record{{"name", "separate"}, {"config", record{{"separator", ";"}}}}}}, post,
      err));
  std::vector<std::string> out;
  CHECK(post[0]->process(0, 0, "a", out, err));
  CHECK(post[0]->process(0, 0, "", out, err));
  CHECK(out == std::vector<std::string>{"a;", ";"});
}

TEST_CASE("bad separate configs are rejected") {
  std::vector<std::unique_ptr<preprocessor>> pre;
  std::string err;
  auto with = [](value cfg) { return value{array{record{{"name", "separate"}, {"config", cfg}}}}; };
  CHECK_FALSE(make_preprocessors(with(record{{"separator", ""}}), pre, err));
  CHECK_FALSE(make_preprocessors(with(record{{"max_length", -1}}), pre, err));
  CHECK(err.find("max_length") != std::string::npos);
  CHECK_FALSE(make_preprocessors(with(record{{"buffered", "yes"}}), pre, err));
  CHECK_FALSE(make_preprocessors(with(value{"x"}), pre, err));
}

}
