#pragma once

// `chunk` and `collect`: postprocessors that pack several frames into one
// write. Both flush what they hold when the stream ends.

#include <cstdint>
#include <memory>
#include <string>

#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

/// Packs whole frames into chunks of at most `max_bytes`; a frame that is
/// larger on its own goes out alone rather than being cut.
class chunk_postprocessor final : public postprocessor {
public:
  explicit chunk_postprocessor(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;
  bool finish(std::vector<std::string>& out, std::string& err) override;

private:
  uint64_t max_bytes_;
  std::string buffer_;
};

/// Concatenates frames and emits them once `max_bytes` are collected, or
/// only at stream end when `max_bytes` is 0.
class collect_postprocessor final : public postprocessor {
public:
  explicit collect_postprocessor(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;
  bool finish(std::vector<std::string>& out, std::string& err) override;

private:
  uint64_t max_bytes_;
  std::string buffer_;
};

/// `chunk` requires `{"max_bytes": n}` with n > 0.
std::unique_ptr<postprocessor> make_chunk_postprocessor(const value& config, std::string& err);
/// `collect` takes `{"max_bytes": n}`, default 0 (collect the whole stream).
std::unique_ptr<postprocessor> make_collect_postprocessor(const value& config, std::string& err);

} // namespace temblor::codecs
