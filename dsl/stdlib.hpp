#pragma once

// The stdlib modules embedded into the binary at build time (see
// dsl/embed_stdlib.cmake); searched after TREMOR_PATH.

#include <cstddef>
#include <string>

namespace temblor::dsl {

struct embedded_file {
  const char* path; ///< relative path, `std/time/nanos.tremor`
  const char* text;
};

extern const embedded_file embedded_stdlib[];
extern const size_t embedded_stdlib_count;

/// Returns the text of the embedded module at `path`, or nullptr.
const char* find_embedded(const std::string& path);

} // namespace temblor::dsl
