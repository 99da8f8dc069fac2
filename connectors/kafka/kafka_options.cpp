#include "connectors/kafka/kafka_options.hpp"

#include <cstdlib>

#include <librdkafka/rdkafka.h>

#include "connectors/common/scalar_text.hpp"

namespace temblor::connectors::kafka {

namespace {

bool valid_port(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  long port = std::strtol(text.c_str(), nullptr, 10);
  return port > 0 && port <= 65535;
}

// "host", "host:port", "[v6]:port".
bool normalise_broker(const std::string& broker, std::string& out) {
  if (broker.empty())
    return false;
  auto colon = broker.rfind(':');
  bool bracketed = broker.front() == '[';
  if (colon == std::string::npos || (bracketed && broker.back() == ']')) {
    out = broker + ":9092";
    return true;
  }
  if (colon == 0 || !valid_port(broker.substr(colon + 1)))
    return false;
  out = broker;
  return true;
}

void set_option(rdkafka_options& options, std::string key, std::string val) {
  for (auto& [k, v] : options)
    if (k == key) {
      v = std::move(val);
      return;
    }
  options.emplace_back(std::move(key), std::move(val));
}

} // namespace

bool read_brokers(const value& config, std::string& bootstrap, std::string& err) {
  const value* brokers = config.get("brokers");
  if (!brokers || !brokers->is_array() || brokers->as_array().empty()) {
    err = "`config.brokers` must list at least one broker (`host:port`)";
    return false;
  }
  bootstrap.clear();
  for (const auto& b : brokers->as_array()) {
    std::string normal;
    if (!b.is_string() || !normalise_broker(b.as_string(), normal)) {
      err = "`config.brokers`: `" + (b.is_string() ? b.as_string() : std::string("non-string")) +
            "` is not a broker address (`host` or `host:port`)";
      return false;
    }
    if (!bootstrap.empty())
      bootstrap += ',';
    bootstrap += normal;
  }
  return true;
}

bool read_rdkafka_options(const value& options, std::string_view where, rdkafka_options& out,
                          std::string& err) {
  if (options.is_null())
    return true;
  if (!options.is_record()) {
    err = "`" + std::string(where) + "` must be a record of librdkafka properties";
    return false;
  }
  for (const auto& [key, v] : options.as_record()) {
    std::string text;
    if (!common::scalar_text(v, text)) {
      err = "`" + std::string(where) + "." + key + "` must be a string, a number or a boolean";
      return false;
    }
    set_option(out, key, std::move(text));
  }
  return true;
}

std::string option_value(const rdkafka_options& options, std::string_view key) {
  for (const auto& [k, v] : options)
    if (k == key)
      return v;
  return {};
}

bool read_consumer_mode(const value& mode, consumer_mode& out, std::string& err) {
  out = consumer_mode{};
  if (mode.is_null() || (mode.is_string() && mode.as_string() == "performance")) {
    set_option(out.options, "enable.auto.commit", "true");
    set_option(out.options, "enable.auto.offset.store", "true");
    return true;
  }
  const char* expected = "`config.mode` must be \"performance\", {\"transactional\": "
                         "{\"commit_interval\": ns}} or {\"custom\": {\"rdkafka_options\": {…}, "
                         "\"retry_failed_events\": bool}}";
  if (!mode.is_record() || mode.as_record().size() != 1) {
    err = expected;
    return false;
  }
  if (const value* t = mode.get("transactional")) {
    uint64_t interval = 0;
    if (!t->is_record()) {
      err = "`config.mode.transactional` must be a record ({\"commit_interval\": ns})";
      return false;
    }
    for (const auto& [key, v] : t->as_record())
      if (key != "commit_interval") {
        err = "`config.mode.transactional." + key + "` is not a key (did you mean `commit_interval`?)";
        return false;
      }
    if (const value* ci = t->get("commit_interval"); ci && !ci->get_u64(interval)) {
      err = "`config.mode.transactional.commit_interval` must be a non-negative integer (ns)";
      return false;
    }
    out.transactional = true;
    out.retry_failed_events = true;
    set_option(out.options, "enable.auto.offset.store", "false");
    if (interval == 0) {
      // Every ack commits at once (asynchronously), as Tremor does for 0.
      out.commit_on_ack = true;
      set_option(out.options, "enable.auto.commit", "false");
    } else {
      uint64_t ms = interval / 1'000'000;
      set_option(out.options, "enable.auto.commit", "true");
      set_option(out.options, "auto.commit.interval.ms", std::to_string(ms == 0 ? 1 : ms));
    }
    return true;
  }
  if (const value* c = mode.get("custom")) {
    if (!c->is_record()) {
      err = "`config.mode.custom` must be a record";
      return false;
    }
    for (const auto& [key, v] : c->as_record()) {
      if (key == "rdkafka_options") {
        if (!read_rdkafka_options(v, "config.mode.custom.rdkafka_options", out.options, err))
          return false;
      } else if (key == "retry_failed_events") {
        if (!v.is_bool()) {
          err = "`config.mode.custom.retry_failed_events` must be a boolean";
          return false;
        }
        out.retry_failed_events = v.as_bool();
      } else {
        err = "`config.mode.custom." + key +
              "` is not a key (`rdkafka_options`, `retry_failed_events`)";
        return false;
      }
    }
    bool auto_commit = option_value(out.options, "enable.auto.commit") != "false";
    bool auto_store = option_value(out.options, "enable.auto.offset.store") != "false";
    out.transactional = out.retry_failed_events || !auto_commit || !auto_store;
    if (out.transactional)
      set_option(out.options, "enable.auto.offset.store", "false");
    out.commit_on_ack = !auto_commit;
    return true;
  }
  err = expected;
  return false;
}

bool apply_options(rd_kafka_conf_s* conf, const rdkafka_options& options, std::string& err) {
  char errstr[512];
  for (const auto& [key, val] : options) {
    if (rd_kafka_conf_set(conf, key.c_str(), val.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      err = "librdkafka property `" + key + "`: " + errstr;
      return false;
    }
  }
  return true;
}

} // namespace temblor::connectors::kafka
