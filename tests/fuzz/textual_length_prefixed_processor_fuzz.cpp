// Fuzzes the `textual-length-prefixed` preprocessor on arbitrary bytes, and checks that it
// undoes its postprocessor.

#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  temblor::fuzz::fuzz_framing("textual-length-prefixed", true, data, size);
  return 0;
}
