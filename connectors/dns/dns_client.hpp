#pragma once

// dns_client: looks up `$dns.lookup` of every event it is sent and emits the
// answer on `out` (a list of `{TYPE: value, "ttl": n}`) or the failure on
// `err`, with the event's `$correlation`.

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/connector.hpp"

namespace temblor::connectors::dns {

/// The validated `config` of a dns_client (Tremor has none; both keys are
/// Temblor's).
struct dns_client_config {
  std::vector<std::string> servers; ///< `host:port` of each server; empty: resolv.conf
  uint64_t timeout_ms = 5000;       ///< the most one lookup may take

  /// Reads and checks `config`; `err` names the offending key.
  bool parse(const value& config, std::string& err);
  /// Returns the servers as c-ares' "host:port,…" list.
  std::string servers_csv() const;
};

/// Returns the registry entry for `dns_client`.
const connector_descriptor& dns_client_descriptor();

} // namespace temblor::connectors::dns
