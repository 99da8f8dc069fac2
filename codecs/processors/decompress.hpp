#pragma once

// `decompress`: decompresses each chunk; config `{"algorithm": …}` with
// Tremor's names, default "autodetect" (magic bytes; unrecognised data
// passes through unchanged).

#include <memory>
#include <optional>
#include <string>

#include "codecs/processors/compression.hpp"
#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

class decompress_preprocessor final : public preprocessor {
public:
  /// `algorithm` nullopt means autodetect.
  explicit decompress_preprocessor(std::optional<compression> algorithm) : algorithm_(algorithm) {}

  bool process(uint64_t& ingest_ns, std::string_view data, std::vector<std::string>& out,
               std::string& err) override;

private:
  std::optional<compression> algorithm_;
};

std::unique_ptr<preprocessor> make_decompress_preprocessor(const value& config, std::string& err);

} // namespace temblor::codecs
