// Fuzzes the `glob` extractor: a body the input chooses, run on the rest.

#include "tests/fuzz/dsl_fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  temblor::fuzz::fuzz_extractor("glob", data, size);
  return 0;
}
