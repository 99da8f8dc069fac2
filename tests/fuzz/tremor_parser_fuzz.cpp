// Fuzzes the tremor-script loader `temblor run FILE.tremor` uses.

#include "tests/fuzz/dsl_fuzz_support.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  temblor::dsl::diagnostics diags;
  temblor::dsl::load_script_source("fuzz.tremor", std::string(temblor::fuzz::as_text(data, size)),
                                   {}, diags);
  diags.render();
  return 0;
}
