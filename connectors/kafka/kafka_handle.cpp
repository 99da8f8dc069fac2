#include "connectors/kafka/kafka_handle.hpp"

namespace temblor::connectors::kafka {

std::shared_ptr<kafka_handle> kafka_handle::create(rd_kafka_type_t type, rd_kafka_conf_t* conf,
                                                   std::string& err) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    err = errstr;
    return nullptr;
  }
  return std::shared_ptr<kafka_handle>(new kafka_handle(rk));
}

rd_kafka_queue_t* kafka_handle::consumer_queue() {
  if (!consumer_queue_)
    consumer_queue_ = rd_kafka_queue_get_consumer(rk_);
  return consumer_queue_;
}

rd_kafka_queue_t* kafka_handle::main_queue() {
  if (!main_queue_)
    main_queue_ = rd_kafka_queue_get_main(rk_);
  return main_queue_;
}

void kafka_handle::close_consumer(int timeout_ms,
                                  void (*on_rebalance)(rd_kafka_t*, rd_kafka_resp_err_t,
                                                       rd_kafka_topic_partition_list_t*, void*)) {
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk_);
  if (rd_kafka_error_t* e = rd_kafka_consumer_close_queue(rk_, q)) {
    rd_kafka_error_destroy(e);
    rd_kafka_queue_destroy(q);
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!rd_kafka_consumer_closed(rk_) && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 100);
    if (!ev)
      continue;
    if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE)
      on_rebalance(rk_, rd_kafka_event_error(ev), rd_kafka_event_topic_partition_list(ev),
                   rd_kafka_opaque(rk_));
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(q);
  consumer_closed_ = true;
}

kafka_handle::~kafka_handle() {
  for (auto* q : {consumer_queue_, main_queue_}) {
    if (!q)
      continue;
    rd_kafka_queue_cb_event_enable(q, nullptr, nullptr);
    rd_kafka_queue_destroy(q);
  }
  rd_kafka_destroy_flags(rk_, consumer_closed_ ? RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE : 0);
}

bool reach_brokers(kafka_handle& handle, std::string& err) {
  const struct rd_kafka_metadata* md = nullptr;
  auto rc = rd_kafka_metadata(handle.get(), 0, nullptr, &md, 5000);
  if (md)
    rd_kafka_metadata_destroy(md);
  if (rc == RD_KAFKA_RESP_ERR_NO_ERROR)
    return true;
  err = std::string("no broker answered: ") + rd_kafka_err2str(rc);
  return false;
}

} // namespace temblor::connectors::kafka
