#pragma once

// Test doubles for the connector state machines: an outbox that records what
// the machines send, and a connector whose behaviour each test scripts.

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runtime/connector/connector_machine.hpp"

namespace temblor::test {

struct recording_outbox final : outbox {
  struct sent_batch {
    std::string port;
    std::vector<event> events;
  };
  /// Everything sent, in order: "batch:<port>:<n>", "markers", "drained", …
  std::vector<std::string> trail;
  std::set<std::string> linked_ports{"out", "err"};
  std::vector<sent_batch> batches;
  /// Credit tokens of batches still "downstream" (when keep_credit).
  std::vector<std::shared_ptr<credit_token>> credits;
  bool keep_credit = false;
  std::vector<event_id> acks, fails;
  std::vector<bool> breaker;
  std::vector<std::pair<connection_report, std::string>> supervisor;
  int markers = 0;
  int drained = 0;
  int pull_requests = 0;
  int blocking_pulls = 0;
  std::vector<std::string> logs;
  uint64_t clock = 1'000'000'000;

  bool linked(const std::string& port) const override { return linked_ports.count(port) > 0; }
  void send(const std::string& port, std::vector<event>& events,
            std::shared_ptr<credit_token> credit) override {
    trail.push_back("batch:" + port + ":" + std::to_string(events.size()));
    batches.push_back({port, std::move(events)});
    events.clear();
    if (keep_credit)
      credits.push_back(std::move(credit));
  }
  void send_drain_markers() override {
    ++markers;
    trail.push_back("markers");
  }
  void ack(const event_id& id) override {
    acks.push_back(id);
    trail.push_back("ack");
  }
  void fail(const event_id& id) override {
    fails.push_back(id);
    trail.push_back("fail");
  }
  void circuit_breaker(bool open) override {
    breaker.push_back(open);
    trail.push_back(open ? "restore" : "trigger");
  }
  void tell_supervisor(connection_report what, const std::string& reason) override {
    supervisor.emplace_back(what, reason);
  }
  void report_drained() override {
    ++drained;
    trail.push_back("drained");
  }
  void request_shutdown(uint64_t, bool) override { trail.push_back("shutdown"); }
  void schedule_pull(uint64_t delay_ns) override {
    ++pull_requests;
    pull_delays.push_back(delay_ns);
  }
  std::vector<uint64_t> pull_delays;
  void pull_on_blocking_pool() override { ++blocking_pulls; }
  void log(connectors::log_level, const std::string& message) override { logs.push_back(message); }
  uint64_t now() override { return clock; }

  /// Payloads of every batch sent out of `port`, as strings.
  std::vector<std::string> payloads(const std::string& port) const {
    std::vector<std::string> out;
    for (const auto& b : batches)
      if (b.port == port)
        for (const auto& ev : b.events)
          out.push_back(ev.payload.is_string() ? ev.payload.as_string() : "?");
    return out;
  }
};

/// A connector whose answers the test sets; records every hook called.
struct scripted_connector final : connectors::connector {
  explicit scripted_connector(std::shared_ptr<connectors::connector_context> c,
                              connectors::connector_ports p = connectors::duplex_ports())
    : ctx(std::move(c)), port_set(std::move(p)) {}

  std::shared_ptr<connectors::connector_context> ctx;
  connectors::connector_ports port_set;
  std::vector<std::string> calls;
  bool connect_at_once = true;  ///< connect() reports connected() right away
  bool is_transactional = false;
  std::deque<std::string> chunks; ///< what pull() reads, one per call
  bool push = false;              ///< pull() returns false at once
  bool bytes = false; ///< pull() hands chunks as bytes of stream 0, ending it after the last
  connectors::sink_outcome outcome = connectors::sink_outcome::done;
  std::vector<std::string> written;
  bool throw_in_pull = false;
  bool lose_on_flush = false; ///< flush() reports a lost connection
  size_t in_flight = 0;       ///< what writes_in_flight() answers
  bool answers = false;       ///< what answers_writes() answers

  connectors::connector_ports ports() const override { return port_set; }
  bool transactional() const override { return is_transactional; }
  void start(const connectors::start_args& a) override {
    calls.push_back(std::string("start") + (a.sink_linked ? " sink_linked" : "") +
                    (a.source_linked ? " source_linked" : ""));
  }
  void connect() override {
    calls.push_back("connect");
    if (connect_at_once)
      ctx->connected();
  }
  bool pull() override {
    calls.push_back("pull");
    if (throw_in_pull)
      throw std::runtime_error("disk on fire");
    if (push || chunks.empty())
      return false;
    if (bytes)
      ctx->receive_bytes(0, chunks.front(), value{});
    else
      ctx->receive_value(0, value{chunks.front()}, value{});
    chunks.pop_front();
    if (bytes && chunks.empty())
      ctx->stream_finished(0);
    return !chunks.empty();
  }
  void resume() override { calls.push_back("resume"); }
  void pause() override { calls.push_back("pause"); }
  void ack(uint64_t stream, uint64_t pull) override {
    calls.push_back("ack " + std::to_string(stream) + ":" + std::to_string(pull));
  }
  void fail(uint64_t stream, uint64_t pull) override {
    calls.push_back("fail " + std::to_string(stream) + ":" + std::to_string(pull));
  }
  void drain() override { calls.push_back("drain"); }
  connectors::sink_outcome write(std::string_view port, const event& ev,
                                 connectors::serializer&) override {
    written.push_back(std::string(port) + ":" +
                      (ev.payload.is_string() ? ev.payload.as_string() : "?"));
    return outcome;
  }
  void flush() override {
    calls.push_back("flush");
    if (lose_on_flush)
      ctx->connection_lost("peer went away");
  }
  size_t writes_in_flight() const override { return in_flight; }
  bool answers_writes() const override { return answers; }
  void finish(connectors::serializer&) override { calls.push_back("finish"); }
  void stop() override { calls.push_back("stop"); }

  /// How many times `call` was made.
  size_t count(const std::string& call) const {
    size_t n = 0;
    for (const auto& c : calls)
      n += c == call;
    return n;
  }
};

/// A connector machine around a scripted connector and a recording outbox.
struct machine_rig {
  explicit machine_rig(connectors::connector_ports ports = connectors::duplex_ports(),
                       bool blocking = false, connector_rebuild rebuild = {},
                       codecs::chain_spec codec = {}) {
    context = std::make_shared<context_queue>("flow::conn");
    impl = std::make_shared<scripted_connector>(context, ports);
    connector_machine::settings s;
    s.id = 1;
    s.alias = "flow::conn";
    s.blocking = blocking;
    s.max_batches_in_flight = 2;
    machine = std::make_unique<connector_machine>(
      s, impl, std::move(ports), std::move(codec), context, out, [this] { ++credit_wakes; },
      std::move(rebuild));
  }

  /// Starts with one feeder, `out` linked and sink 9 downstream.
  void start(std::vector<uint64_t> sinks = {9}, size_t feeders = 1) {
    machine->start(io::services{}, feeders, out.linked("out"), sinks);
  }

  /// A transactional event of source 1, stream 0, pull `n`.
  static event txn(uint64_t n, std::string payload = "x") {
    event ev;
    ev.payload = value{std::move(payload)};
    ev.id = event_id{1, 0, n};
    ev.transactional = true;
    return ev;
  }

  recording_outbox out;
  std::shared_ptr<context_queue> context;
  std::shared_ptr<scripted_connector> impl;
  std::unique_ptr<connector_machine> machine;
  int credit_wakes = 0;
};

} // namespace temblor::test
