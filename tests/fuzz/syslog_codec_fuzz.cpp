// Fuzzes the syslog codec's decoder; what decodes is encoded again.

#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  temblor::fuzz::fuzz_codec("syslog", temblor::fuzz::as_text(data, size));
  return 0;
}
