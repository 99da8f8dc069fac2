#pragma once

// The `msgpack` codec: MessagePack <-> values.
//
// Decoding accepts every type except extensions (which have no value
// equivalent); map keys must be UTF-8 strings, as record keys are; nesting
// is bounded by json_max_depth and decoded without recursion. Encoding picks
// the smallest representation for integers, float64 for floats, `bin` for
// bytes and `str` for strings, like rmp-serde does for Tremor.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

class msgpack_codec final : public codec {
public:
  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;
};

/// Builds `msgpack`; it takes no config.
std::unique_ptr<codec> make_msgpack_codec(const value& config, std::string& err);

} // namespace temblor::codecs
