#pragma once

// The parts of kafka_consumer's and kafka_producer's `config` that become
// librdkafka configuration: brokers, `rdkafka_options`, and the consumer's
// `mode` with Tremor's defaults.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/core/value.hpp"

struct rd_kafka_conf_s;

namespace temblor::connectors::kafka {

/// librdkafka properties in the order they are applied (later ones win).
using rdkafka_options = std::vector<std::pair<std::string, std::string>>;

/// Reads `brokers` (a list of `host` or `host:port`, port 9092 by default)
/// into librdkafka's `bootstrap.servers`.
bool read_brokers(const value& config, std::string& bootstrap, std::string& err);

/// Reads a record of librdkafka properties; values may be strings, numbers
/// or booleans. `where` names the key in errors (`config.rdkafka_options`).
bool read_rdkafka_options(const value& options, std::string_view where, rdkafka_options& out,
                          std::string& err);

/// What kafka_consumer's `mode` asks for.
struct consumer_mode {
  /// Events need an ack; offsets are stored only for acked events.
  bool transactional = false;
  /// A failed event rewinds its partition and comes again.
  bool retry_failed_events = false;
  /// No auto commit: stored offsets are committed after every ack.
  bool commit_on_ack = false;
  rdkafka_options options;
};

/// Reads `mode`: "performance", {"transactional": {"commit_interval": ns}}
/// or {"custom": {"rdkafka_options": {…}, "retry_failed_events": bool}}.
bool read_consumer_mode(const value& mode, consumer_mode& out, std::string& err);

/// Returns the value of `key` in `options`, or "" when absent.
std::string option_value(const rdkafka_options& options, std::string_view key);

/// Applies `options` to `conf`; false with `err` naming the property.
bool apply_options(rd_kafka_conf_s* conf, const rdkafka_options& options, std::string& err);

} // namespace temblor::connectors::kafka
