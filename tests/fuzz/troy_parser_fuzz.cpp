// Fuzzes the .troy loader (lexer, parser, module resolution, constant
// folding, pipeline compilation) through the entry point `temblor check` uses.

#include "dsl/deployment.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  temblor::dsl::deployment out;
  temblor::dsl::diagnostics diags;
  temblor::dsl::load_troy_source("fuzz.troy", std::string(temblor::fuzz::as_text(data, size)), {},
                                 out, diags);
  diags.render();
  return 0;
}
