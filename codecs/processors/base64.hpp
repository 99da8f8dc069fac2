#pragma once

// `base64`: decodes chunks on the source side, encodes on the sink side
// (RFC 4648 standard alphabet, with padding).

#include <memory>
#include <string>
#include <string_view>

#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

/// Appends the base64 encoding of `in` to `out`.
void base64_encode(std::string_view in, std::string& out);
/// Appends the decoding of `in` to `out`; false on characters outside the
/// alphabet, bad padding, or a length that is not a multiple of 4.
bool base64_decode(std::string_view in, std::string& out);

class base64_preprocessor final : public preprocessor {
public:
  bool process(uint64_t& ingest_ns, std::string_view data, std::vector<std::string>& out,
               std::string& err) override;
};

class base64_postprocessor final : public postprocessor {
public:
  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;
};

std::unique_ptr<preprocessor> make_base64_preprocessor(const value& config, std::string& err);
std::unique_ptr<postprocessor> make_base64_postprocessor(const value& config, std::string& err);

} // namespace temblor::codecs
