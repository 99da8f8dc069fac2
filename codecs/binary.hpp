#pragma once

// The `binary` codec: raw bytes <-> bytes values.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

/// Decodes a chunk into bytes, unchanged. Encodes bytes and strings as
/// their raw contents and anything else as JSON.
class binary_codec final : public codec {
public:
  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;
};

/// Builds `binary`; it takes no config.
std::unique_ptr<codec> make_binary_codec(const value& config, std::string& err);

} // namespace temblor::codecs
