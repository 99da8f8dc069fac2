#pragma once

// `decompress`: decompresses each chunk; config `{"algorithm": …,
// "max_output_bytes": n}` with Tremor's names, default "autodetect" (magic
// bytes; unrecognised data passes through unchanged). A chunk that would
// decompress to more than max_output_bytes (default 512 MiB) is an error.

#include <memory>
#include <optional>
#include <string>

#include "codecs/processors/compression.hpp"
#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

class decompress_preprocessor final : public preprocessor {
public:
  /// `algorithm` nullopt means autodetect.
  decompress_preprocessor(std::optional<compression> algorithm, size_t max_output)
    : algorithm_(algorithm), max_output_(max_output) {}

  bool process(uint64_t& ingest_ns, std::string_view data, std::vector<std::string>& out,
               std::string& err) override;

private:
  std::optional<compression> algorithm_;
  size_t max_output_;
};

std::unique_ptr<preprocessor> make_decompress_preprocessor(const value& config, std::string& err);

} // namespace temblor::codecs
