#pragma once

// The `syslog` codec: RFC 5424 and RFC 3164 lines <-> Tremor's record
// `{severity, facility, hostname, appname, msg, procid, msgid, protocol,
//   protocol_version, structured_data, timestamp}`.
//
// Severity and facility use syslog's keywords ("crit", "auth"); `procid` is
// an integer when numeric; RFC 5424 `-` fields are null; structured data is
// `{"id": [{"param": "value"}, …]}`; `timestamp` is nanoseconds since the
// epoch (RFC 3164 lines, which have no year or zone, are read as UTC in the
// current year). Encoding writes RFC 3164 when `protocol` is "RFC3164",
// else RFC 5424.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

class syslog_codec final : public codec {
public:
  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;
};

/// Builds `syslog`; it takes no config.
std::unique_ptr<codec> make_syslog_codec(const value& config, std::string& err);

} // namespace temblor::codecs
