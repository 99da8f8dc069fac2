#pragma once

// `streaming-compress`: one compressed stream over all frames of a stream
// (config `{"algorithm": "xz2" | "zstd", "level": n}`), finished when the
// stream ends, so a file sink writes one valid .xz/.zst file.

#include <memory>
#include <optional>
#include <string>

#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

class streaming_compress_postprocessor final : public postprocessor {
public:
  class engine;
  explicit streaming_compress_postprocessor(std::unique_ptr<engine> e);
  ~streaming_compress_postprocessor() override;

  /// Emits whatever compressed bytes the frame completes (possibly none).
  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;
  /// Finishes the compressed stream and emits its tail.
  bool finish(std::vector<std::string>& out, std::string& err) override;

private:
  std::unique_ptr<engine> engine_;
};

std::unique_ptr<postprocessor> make_streaming_compress_postprocessor(const value& config,
                                                                     std::string& err);

} // namespace temblor::codecs
