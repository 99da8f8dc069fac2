#pragma once

// crononome: fires the cron entries of its config (UTC) and emits
// `{"connector": "crononome", "ingest_ns", "id", "trigger": {"name", "payload"}}`
// with `$crononome.trigger` for each firing.

#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "connectors/crononome/cron_schedule.hpp"

namespace temblor::connectors::crononome {

/// One entry of `config.entries`.
struct cron_entry {
  std::string name;
  cron_schedule schedule;
  value payload; ///< null when the entry has none (the trigger then has no `payload`)

  /// Returns `{"name": …, "payload": …}` (without `payload` when there is none).
  value trigger() const;
};

/// The validated `config` of a crononome.
struct crononome_config {
  std::vector<cron_entry> entries;

  /// Reads `config.entries`; `err` names the entry (`entries[2]` and its
  /// name) and what is wrong with it.
  bool parse(const value& config, std::string& err);
};

/// Returns the registry entry for `crononome`.
const connector_descriptor& crononome_descriptor();

} // namespace temblor::connectors::crononome
