#pragma once

// The `influx` codec: InfluxDB line protocol <-> Tremor's record shape
// `{"measurement": s, "tags": {k: s}, "fields": {k: v}, "timestamp": ns}`.
//
// Field values: a bare number is a float, `12i` an integer, `12u` an
// unsigned integer, `"…"` a string, t/true/f/false (any case Influx allows)
// a boolean. A line without a timestamp gets the decode time, standing in
// for Tremor's ingest time. Encoding writes integers with `i`, floats as the
// json codec prints them, and escapes as the protocol requires.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

class influx_codec final : public codec {
public:
  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;
};

/// Builds `influx`; it takes no config.
std::unique_ptr<codec> make_influx_codec(const value& config, std::string& err);

} // namespace temblor::codecs
