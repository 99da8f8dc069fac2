#pragma once

// What an event asks dns_client for: `$dns.lookup`, either a name or
// `{"name": …, "type": "A" | "AAAA" | "CNAME" | "MX" | "TXT" | …}`.

#include <string>

#include "connectors/dns/dns_resolver.hpp"
#include "runtime/core/value.hpp"

namespace temblor::connectors::dns {

/// Reads `$dns.lookup` from an event's `meta`; false with `err` saying what
/// is missing or wrong (an unknown type reads as Tremor's "Invalid or
/// unsupported record type").
bool read_lookup(const value& meta, lookup_request& out, std::string& err);

} // namespace temblor::connectors::dns
