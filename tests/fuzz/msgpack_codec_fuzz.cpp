// Fuzzes the msgpack codec's decoder; what decodes must encode and decode to an equal value.

#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  temblor::fuzz::fuzz_codec("msgpack", temblor::fuzz::as_text(data, size), true);
  return 0;
}
