#pragma once

// Owns one librdkafka client handle (and the queue references taken from
// it), so it is destroyed once, after every thread that borrowed it is done.

#include <chrono>
#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>

namespace temblor::connectors::kafka {

class kafka_handle {
public:
  /// Takes ownership of `conf` whether or not creation succeeds.
  static std::shared_ptr<kafka_handle> create(rd_kafka_type_t type, rd_kafka_conf_t* conf,
                                              std::string& err);
  ~kafka_handle();
  kafka_handle(const kafka_handle&) = delete;
  kafka_handle& operator=(const kafka_handle&) = delete;

  rd_kafka_t* get() const { return rk_; }
  /// The consumer group's queue (messages, rebalances), taken on first use.
  rd_kafka_queue_t* consumer_queue();
  /// The main queue (delivery reports, errors), taken on first use.
  rd_kafka_queue_t* main_queue();
  /// Leaves the consumer group, serving the rebalance it causes through
  /// `on_revoke`, for at most `timeout_ms` (an unreachable coordinator must
  /// not hang a stop); destruction then skips librdkafka's own close.
  void close_consumer(int timeout_ms,
                      void (*on_rebalance)(rd_kafka_t*, rd_kafka_resp_err_t,
                                           rd_kafka_topic_partition_list_t*, void*));

private:
  explicit kafka_handle(rd_kafka_t* rk) : rk_(rk) {}
  rd_kafka_t* rk_;
  rd_kafka_queue_t* consumer_queue_ = nullptr;
  rd_kafka_queue_t* main_queue_ = nullptr;
  bool consumer_closed_ = false;
};

/// Asks the cluster for its metadata (blocks up to 5 s): whether a broker
/// answers. False with `err` saying why not.
bool reach_brokers(kafka_handle& handle, std::string& err);

/// A partition list freed at scope end.
struct partition_list {
  explicit partition_list(int size = 1) : list(rd_kafka_topic_partition_list_new(size)) {}
  explicit partition_list(rd_kafka_topic_partition_list_t* taken) : list(taken) {}
  ~partition_list() {
    if (list)
      rd_kafka_topic_partition_list_destroy(list);
  }
  partition_list(const partition_list&) = delete;
  partition_list& operator=(const partition_list&) = delete;
  rd_kafka_topic_partition_list_t* list;
};

} // namespace temblor::connectors::kafka
