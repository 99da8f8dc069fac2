#pragma once

// `compress`: compresses each frame; config `{"algorithm": …, "level": n}`
// (algorithm required, as in Tremor).

#include <memory>
#include <optional>
#include <string>

#include "codecs/processors/compression.hpp"
#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

class compress_postprocessor final : public postprocessor {
public:
  compress_postprocessor(compression algorithm, std::optional<int> level)
    : algorithm_(algorithm), level_(level) {}

  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;

private:
  compression algorithm_;
  std::optional<int> level_;
};

std::unique_ptr<postprocessor> make_compress_postprocessor(const value& config, std::string& err);

} // namespace temblor::codecs
