#pragma once

// What kafka_consumer and kafka_producer do alike around their librdkafka
// client: route its error and log callbacks to the connector context, and
// connect (a new client, then a metadata request on the blocking pool that
// decides connected() or connect_failed()).
//
// `Core` has `ctx`, `stopped`, `mutex`, `handle`, `blocking`, open(err),
// close() and on_connected() (called once a broker answered).

#include <memory>
#include <mutex>
#include <string>

#include "connectors/connector.hpp"
#include "connectors/kafka/kafka_handle.hpp"

namespace temblor::connectors::kafka {

template <class Core>
struct client_callbacks {
  // librdkafka reconnects by itself: an outage is worth a line, not a reconnect.
  static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* core = static_cast<Core*>(opaque);
    if (!core->stopped)
      core->ctx->log(log_level::warning, std::string("kafka: ") +
                     rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)) + ": " + reason);
  }

  static void on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    auto* core = static_cast<Core*>(rd_kafka_opaque(rk));
    if (core && !core->stopped)
      core->ctx->log(level <= 3 ? log_level::error : log_level::warning,
                     std::string("librdkafka ") + fac + ": " + buf);
  }

  static void install(rd_kafka_conf_t* conf, Core* core) {
    rd_kafka_conf_set_opaque(conf, core);
    rd_kafka_conf_set_error_cb(conf, &on_error);
    rd_kafka_conf_set_log_cb(conf, &on_log);
  }
};

/// Replaces `core`'s client with a new one and reports whether a broker
/// answers; safe to call again after a failure (the reconnect policy does).
template <class Core>
void connect_client(const std::shared_ptr<Core>& core) {
  core->close();
  std::string err;
  if (!core->open(err)) {
    core->ctx->connect_failed(err);
    return;
  }
  std::shared_ptr<kafka_handle> h;
  {
    std::lock_guard<std::mutex> guard(core->mutex);
    h = core->handle;
  }
  core->blocking->post([core, h] {
    std::string why;
    bool ok = reach_brokers(*h, why);
    if (core->stopped)
      return;
    if (!ok) {
      core->ctx->connect_failed(why);
      return;
    }
    core->ctx->connected();
    core->on_connected();
  });
}

} // namespace temblor::connectors::kafka
