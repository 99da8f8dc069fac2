#pragma once

// The `null` codec: drops everything in both directions.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

/// Encodes every value as zero bytes. `decode` cannot express "no event"
/// through the codec interface, so it yields null and `decoder_chain`
/// recognises it (dynamic_cast) to discard the chunk instead, as Tremor does.
class null_codec final : public codec {
public:
  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;
};

/// Builds `null`; it takes no config.
std::unique_ptr<codec> make_null_codec(const value& config, std::string& err);

} // namespace temblor::codecs
