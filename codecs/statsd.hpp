#pragma once

// The `statsd` codec: `metric:value|type[|@rate]` <-> Tremor's record
// `{"type": "c"|"g"|"ms"|"h"|"s", "metric": s, "value": n,
//   "sample_rate": f (when given), "action": "add"|"sub" (signed gauges)}`.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

class statsd_codec final : public codec {
public:
  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;
};

/// Builds `statsd`; it takes no config.
std::unique_ptr<codec> make_statsd_codec(const value& config, std::string& err);

} // namespace temblor::codecs
