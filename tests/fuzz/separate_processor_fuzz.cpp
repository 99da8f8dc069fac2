// Fuzzes the `separate` preprocessor with a config the input chooses, and
// checks that it undoes its postprocessor for frames within max_length.

#include <algorithm>

#include "tests/fuzz/fuzz_support.hpp"

using namespace temblor;
using namespace temblor::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  char separator = static_cast<char>(in.ConsumeIntegral<uint8_t>());
  auto max_length = in.ConsumeIntegralInRange<uint64_t>(0, 64);
  bool buffered = in.ConsumeBool();
  record config{{"separator", value(std::string(1, separator))},
                {"max_length", value(max_length)},
                {"buffered", value(buffered)}};
  value spec(record{{"name", value("separate")}, {"config", value(std::move(config))}});
  if (in.ConsumeBool()) {
    run_preprocessor(spec, fuzz_chunks(in));
    return 0;
  }
  std::vector<std::string> frames;
  auto count = in.ConsumeIntegralInRange<size_t>(0, 8);
  for (size_t i = 0; i < count; ++i) {
    auto frame = in.ConsumeRandomLengthString(max_length == 0 ? 256 : max_length);
    frame.erase(std::remove(frame.begin(), frame.end(), separator), frame.end());
    frames.push_back(std::move(frame));
  }
  auto framed = run_postprocessor(
      value(record{{"name", value("separate")},
                   {"config", value(record{{"separator", value(std::string(1, separator))}})}}),
      frames);
  // Unbuffered, every chunk ends an event, so the framing must not be cut.
  auto back = run_preprocessor(spec, buffered ? recut(framed, in) : framed);
  fuzz_check(back == frames, "separate(pre) undoes separate(post)");
  return 0;
}
