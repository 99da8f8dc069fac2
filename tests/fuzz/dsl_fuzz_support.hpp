#pragma once

// What the DSL's fuzz targets share: the loaders `temblor check` and
// `temblor run` use, fed from memory, and the extractors' public API.

#include <cstdint>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include "dsl/ast.hpp"
#include "dsl/extractors.hpp"
#include "dsl/standalone.hpp"

namespace temblor::fuzz {

/// Compiles extractor `name` with a body the input chooses, then runs it on
/// the rest of the input as a string. Both steps must only ever succeed or
/// fail; the body is what a config author writes, the subject what a peer
/// sends.
inline void fuzz_extractor(std::string_view name, const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  dsl::pattern p;
  p.k = dsl::pattern::kind::extractor;
  p.name = std::string(name);
  p.body = in.ConsumeRandomLengthString(256);
  std::string err;
  if (!dsl::compile_extractor(p, err))
    return;
  value out;
  dsl::run_extractor(p, value(in.ConsumeRemainingBytesAsString()), out);
}

} // namespace temblor::fuzz
