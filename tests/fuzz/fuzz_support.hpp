#pragma once

// What the libFuzzer targets in tests/fuzz share: each <target>_fuzz.cpp is
// a LLVMFuzzerTestOneInput that calls one of these with the name of the thing
// it fuzzes. A finding is a sanitizer report, a hang (libFuzzer's -timeout),
// an allocation over -malloc_limit_mb, or a broken property checked here
// (fuzz_check aborts, so libFuzzer keeps the input as a crash).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "codecs/codec.hpp"
#include "codecs/processors/processor.hpp"
#include "runtime/core/value.hpp"

namespace temblor::fuzz {

/// Aborts with `what` when a property the target checks does not hold.
inline void fuzz_check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property broken: %s\n", what);
    std::abort();
  }
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Builds codec `name` (with `config`, null for its defaults) and decodes the
/// input as one chunk; what decodes is encoded again. With `round_trip`, the
/// encoding must decode to a value that encodes the same (json, msgpack:
/// lossless formats; bytes compare where values cannot, as NaN).
inline void fuzz_codec(std::string_view name, std::string_view data, bool round_trip = false,
                       const value& config = value()) {
  std::string err;
  value spec = config.is_null() ? value(name) : value(record{{"name", value(name)}, {"config", config}});
  auto codec = codecs::make_codec(spec, err);
  fuzz_check(codec != nullptr, "the codec builds with its defaults");
  value decoded;
  if (!codec->decode(data, decoded, err))
    return;
  std::string encoded;
  if (!codec->encode(decoded, encoded, err))
    return;
  if (!round_trip)
    return;
  auto again = codecs::make_codec(spec, err);
  value redecoded;
  fuzz_check(again->decode(encoded, redecoded, err), "the codec decodes its own encoding");
  std::string reencoded;
  fuzz_check(again->encode(redecoded, reencoded, err), "the codec encodes what it decoded");
  fuzz_check(reencoded == encoded, "encode(decode(encode(v))) == encode(v)");
}

/// Splits the rest of `in` into 1..n chunks at sizes the input chooses, so
/// that processors see frames cut at every possible place.
inline std::vector<std::string> fuzz_chunks(FuzzedDataProvider& in) {
  std::vector<std::string> chunks;
  while (in.remaining_bytes() > 0) {
    auto size = in.ConsumeIntegralInRange<size_t>(0, 64);
    chunks.push_back(in.ConsumeBytesAsString(size == 0 ? in.remaining_bytes() : size));
  }
  return chunks;
}

/// Runs preprocessor spec `spec` (a name, or {"name", "config"}) over
/// `chunks`, then finishes the stream; returns every chunk it released.
inline std::vector<std::string> run_preprocessor(const value& spec,
                                                 const std::vector<std::string>& chunks) {
  std::vector<std::unique_ptr<codecs::preprocessor>> chain;
  std::string err;
  fuzz_check(codecs::make_preprocessors(value(array{spec}), chain, err),
             "the preprocessor builds");
  std::vector<std::string> out;
  uint64_t ingest_ns = 0;
  for (const auto& chunk : chunks)
    chain[0]->process(ingest_ns, chunk, out, err);
  chain[0]->finish(out, err);
  return out;
}

/// Runs postprocessor spec `spec` over each of `frames`, then finishes.
inline std::vector<std::string> run_postprocessor(const value& spec,
                                                  const std::vector<std::string>& frames) {
  std::vector<std::unique_ptr<codecs::postprocessor>> chain;
  std::string err;
  fuzz_check(codecs::make_postprocessors(value(array{spec}), chain, err),
             "the postprocessor builds");
  std::vector<std::string> out;
  for (const auto& frame : frames)
    fuzz_check(chain[0]->process(0, 0, frame, out, err), "the postprocessor accepts any frame");
  fuzz_check(chain[0]->finish(out, err), "the postprocessor finishes");
  return out;
}

/// Concatenates `parts` (a framed byte stream) and cuts it again at sizes
/// the input chooses.
inline std::vector<std::string> recut(const std::vector<std::string>& parts,
                                      FuzzedDataProvider& in) {
  std::string stream;
  for (const auto& p : parts)
    stream += p;
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < stream.size()) {
    auto size = in.ConsumeIntegralInRange<size_t>(1, 97);
    out.push_back(stream.substr(pos, size));
    pos += size;
  }
  return out;
}

/// Fuzzes a framing preprocessor with arbitrary bytes, then checks that it
/// undoes its postprocessor: frames chosen by the input, framed, must come
/// back whole and in order. A `stream` framing must also survive the byte
/// stream being cut anywhere; otherwise each framed chunk arrives whole.
inline void fuzz_framing(std::string_view name, bool stream, const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  bool raw = in.ConsumeBool();
  if (raw) {
    run_preprocessor(value(name), fuzz_chunks(in));
    return;
  }
  std::vector<std::string> frames;
  auto count = in.ConsumeIntegralInRange<size_t>(0, 8);
  for (size_t i = 0; i < count; ++i)
    frames.push_back(in.ConsumeRandomLengthString(256));
  auto framed = run_postprocessor(value(name), frames);
  auto back = run_preprocessor(value(name), stream ? recut(framed, in) : framed);
  fuzz_check(back == frames, "pre(post(frames)) == frames");
}

} // namespace temblor::fuzz
