#pragma once

// `textual-length-prefixed` (0.12: `textual-length-prefix`): RFC 5425
// octet counting, each frame being ASCII digits, one space, then that many
// bytes.

#include <memory>
#include <string>

#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

class textual_length_prefixed_preprocessor final : public preprocessor {
public:
  /// Reassembles frames across chunks. A malformed prefix is reported and
  /// the buffered bytes are dropped, since the framing cannot be recovered.
  bool process(uint64_t& ingest_ns, std::string_view data, std::vector<std::string>& out,
               std::string& err) override;
  bool finish(std::vector<std::string>& out, std::string& err) override;

private:
  std::string buffer_;
};

class textual_length_prefixed_postprocessor final : public postprocessor {
public:
  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;
};

std::unique_ptr<preprocessor> make_textual_length_prefixed_preprocessor(const value& config,
                                                                        std::string& err);
std::unique_ptr<postprocessor> make_textual_length_prefixed_postprocessor(const value& config,
                                                                          std::string& err);

} // namespace temblor::codecs
