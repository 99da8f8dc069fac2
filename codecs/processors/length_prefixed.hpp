#pragma once

// `length-prefixed`: frames as a u64 big-endian length followed by that many
// bytes. The preprocessor reassembles frames split across chunks.

#include <memory>
#include <string>

#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

class length_prefixed_preprocessor final : public preprocessor {
public:
  bool process(uint64_t& ingest_ns, std::string_view data, std::vector<std::string>& out,
               std::string& err) override;
  /// Reports a truncated last frame; its bytes are dropped.
  bool finish(std::vector<std::string>& out, std::string& err) override;

private:
  std::string buffer_; // bytes of the unfinished frame, prefix included
};

class length_prefixed_postprocessor final : public postprocessor {
public:
  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;
};

std::unique_ptr<preprocessor> make_length_prefixed_preprocessor(const value& config,
                                                                std::string& err);
std::unique_ptr<postprocessor> make_length_prefixed_postprocessor(const value& config,
                                                                  std::string& err);

} // namespace temblor::codecs
