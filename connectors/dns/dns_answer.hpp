#pragma once

// The answer section of a DNS response, written the way Tremor's dns_client
// (trust-dns) shows records: `{"A": "1.2.3.4", "ttl": 300}`, names with a
// trailing dot, `MX` as "<preference> <exchange>", `TXT` as its strings
// joined, `SRV` as "<priority> <weight> <port> <target>", `SOA` as its seven
// fields; types without a text form in RFC 3597's `\# <length> <hex>`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/value.hpp"

namespace temblor::connectors::dns {

/// One resource record of an answer.
struct dns_record {
  uint16_t type = 0;
  std::string text; ///< the record's data in Tremor's form
  uint32_t ttl = 0;

  /// Returns `{"<TYPE>": text, "ttl": ttl}`.
  value to_value() const;
};

/// Returns the number of a record type name Tremor's dns_client accepts
/// (A, AAAA, CNAME, MX, TXT, …; upper case), or nothing.
std::optional<uint16_t> record_type_from_name(std::string_view name);
/// Returns the name of a record type (`TYPE<n>` for one without a name).
std::string record_type_name(uint16_t type);

/// Reads the answer records of the DNS response `msg`; false with `err` when
/// the message is cut short or malformed.
bool parse_answer(const unsigned char* msg, size_t length, std::vector<dns_record>& out,
                  std::string& err);

/// Returns the records as Tremor's reply: a list of `{TYPE: text, "ttl": n}`.
value records_to_value(const std::vector<dns_record>& records);

} // namespace temblor::connectors::dns
