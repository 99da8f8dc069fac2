#pragma once

// The `string` codec: UTF-8 text <-> string values.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

/// Decodes a chunk into a string (invalid UTF-8 is an error). Encodes a
/// string as its raw text and anything else, bytes included, as JSON, as
/// Tremor's string codec does.
class string_codec final : public codec {
public:
  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;
};

/// Builds `string`; it takes no config.
std::unique_ptr<codec> make_string_codec(const value& config, std::string& err);

} // namespace temblor::codecs
