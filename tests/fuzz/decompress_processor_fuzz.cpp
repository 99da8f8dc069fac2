// Fuzzes the `decompress` preprocessor with every algorithm and an output
// bound the input chooses: no chunk may come out larger than the bound (a
// decompression bomb is an error, not an allocation), and what `compress`
// made must decompress back.

#include "codecs/processors/compression.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace temblor;
using namespace temblor::fuzz;

namespace {

constexpr const char* algorithms[] = {"autodetect", "gzip", "zlib", "xz2", "zstd", "lz4", "br"};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::string algorithm = in.PickValueInArray(algorithms);
  auto c = codecs::compression_from_name(algorithm);
  if (c && !codecs::compression_available(*c))
    return 0;
  auto max_output = in.ConsumeIntegralInRange<uint64_t>(1, 1 << 20);
  value spec(record{{"name", value("decompress")},
                    {"config", value(record{{"algorithm", value(algorithm)},
                                            {"max_output_bytes", value(max_output)}})}});
  if (in.ConsumeBool() || !c) {
    auto chunks = fuzz_chunks(in);
    auto out = run_preprocessor(spec, chunks);
    for (const auto& chunk : out)
      fuzz_check(chunk.size() <= max_output || (!c && chunk.size() <= size),
                 "decompressed chunks stay within max_output_bytes");
    return 0;
  }
  std::string plain = in.ConsumeRemainingBytesAsString();
  std::string packed, err;
  // Level 1: the default levels of xz2 and br spend most of the run
  // compressing, not decompressing.
  fuzz_check(codecs::compress(*c, 1, plain, packed, err), "compress accepts any bytes");
  std::string back;
  bool ok = codecs::decompress(*c, packed, back, err, static_cast<size_t>(max_output));
  fuzz_check(ok == (plain.size() <= max_output), "decompress fails exactly above the bound");
  fuzz_check(!ok || back == plain, "decompress(compress(x)) == x");
  fuzz_check(ok || back.empty(), "a failed decompress appends nothing");
  return 0;
}
