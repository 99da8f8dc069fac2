#include <doctest/doctest.h>

#include "tests/runtime/machine_doubles.hpp"

using namespace temblor;
using test::machine_rig;
using phase = source_machine::phase;
using connectors::sink_outcome;

TEST_SUITE("runtime.connector_machine") {

// -- source side ---------------------------------------------------------------------

TEST_CASE("a source reads only once connected and every sink downstream is up") {
  machine_rig rig(connectors::source_ports());
  rig.impl->chunks = {"a", "b"};
  rig.start({9, 10});
  CHECK(rig.machine->source()->current() == phase::waiting);
  rig.machine->connect();
  CHECK(rig.out.supervisor.front().first == connection_report::connected);
  CHECK(rig.out.pull_requests == 0);
  rig.machine->restore(9);
  CHECK(rig.out.pull_requests == 0);
  rig.machine->restore(10);
  CHECK(rig.machine->source()->current() == phase::reading);
  REQUIRE(rig.out.pull_requests == 1);
  rig.machine->pull();
  rig.machine->pull();
  CHECK(rig.out.payloads("out") == std::vector<std::string>{"a", "b"});
  // One batch per pull; the second said nothing more is left.
  CHECK(rig.out.trail == std::vector<std::string>{"batch:out:1", "batch:out:1"});
  rig.machine->pull();
  CHECK(rig.impl->count("pull") == 2);
}

TEST_CASE("a tripped breaker pauses a push source and a restore resumes it") {
  machine_rig rig(connectors::source_ports());
  rig.impl->push = true;
  rig.start();
  rig.machine->connect();
  // Push sources start paused (the contract): nothing before the sinks are up.
  CHECK(rig.impl->count("resume") == 0);
  rig.machine->restore(9);
  CHECK(rig.impl->count("resume") == 1);
  rig.machine->trigger(9);
  CHECK(rig.impl->count("pause") == 1);
  CHECK(rig.machine->source()->current() == phase::waiting);
  rig.machine->restore(9);
  CHECK(rig.impl->count("resume") == 2);
  // An operator's pause wins over an open breaker.
  rig.machine->set_paused(true);
  CHECK(rig.impl->count("pause") == 2);
  rig.machine->set_paused(false);
  CHECK(rig.impl->count("resume") == 3);
}

TEST_CASE("an unlinked source runs as soon as it is connected, so it sees control traffic") {
  machine_rig rig;
  rig.out.linked_ports = {};
  rig.impl->push = true;
  rig.start();
  CHECK(rig.impl->calls.front() == "start sink_linked");
  rig.machine->connect();
  CHECK(rig.impl->count("resume") == 1);
}

TEST_CASE("the phases go waiting, reading, exhausted, draining, drained") {
  machine_rig rig(connectors::source_ports());
  rig.impl->push = true;
  std::vector<phase> seen{rig.machine->source()->current()};
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  seen.push_back(rig.machine->source()->current());
  rig.context->source_finished();
  rig.machine->take_calls();
  seen.push_back(rig.machine->source()->current());
  rig.out.keep_credit = true;
  rig.context->receive_value(0, value{"late"}, value{});
  rig.machine->take_calls();
  // Draining waits for nothing here (a push source stops at once) …
  rig.machine->drain(false);
  seen.push_back(rig.machine->source()->current());
  CHECK(seen == std::vector<phase>{phase::waiting, phase::reading, phase::exhausted,
                                   phase::drained});
  CHECK(rig.out.trail == std::vector<std::string>{"batch:out:1", "markers", "drained"});
}

TEST_CASE("a drain on a signal stops reading at once, events already out still count") {
  machine_rig rig(connectors::source_ports());
  rig.impl->chunks = {"a", "b", "c", "d"};
  rig.out.keep_credit = true;
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.machine->pull(); // "a" leaves, its credit stays downstream
  rig.machine->drain(false);
  // No further pull although more is left, and nothing waits for the credit.
  rig.machine->pull();
  CHECK(rig.impl->count("pull") == 1);
  CHECK(rig.impl->count("drain") == 1);
  CHECK(rig.machine->source()->current() == phase::drained);
  // The markers follow the last batch, then the connector reports drained.
  CHECK(rig.out.trail == std::vector<std::string>{"batch:out:1", "markers", "drained"});
  CHECK(rig.out.credits.size() == 1);
}

TEST_CASE("a stop mid-stream does not emit the half record the preprocessors hold") {
  machine_rig rig(connectors::source_ports(), false, {},
                  codecs::chain_spec{value{"string"}, value{array{"separate"}}, value{}});
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.context->receive_bytes(0, "whole line\nhalf a li", value{});
  rig.machine->take_calls();
  rig.machine->drain(false);
  CHECK(rig.out.payloads("out") == std::vector<std::string>{"whole line"});
  CHECK(rig.out.logs.back().find("1 partial record(s) cut off") != std::string::npos);
  CHECK(rig.machine->stats().dropped == 1);
}

TEST_CASE("a stream that ends flushes its last line without a separator") {
  machine_rig rig(connectors::source_ports(), false, {},
                  codecs::chain_spec{value{"string"}, value{array{"separate"}}, value{}});
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.context->receive_bytes(0, "first\nlast", value{});
  rig.context->stream_finished(0);
  rig.context->source_finished();
  rig.machine->take_calls();
  rig.machine->drain(false);
  CHECK(rig.out.payloads("out") == std::vector<std::string>{"first", "last"});
}

TEST_CASE("a drain asked by the flow reads a pull-based source to its end first") {
  machine_rig rig(connectors::source_ports());
  rig.impl->chunks = {"a", "b", "c"};
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.machine->pull();
  rig.machine->drain(true);
  CHECK(rig.machine->source()->current() == phase::draining);
  CHECK(rig.out.drained == 0);
  rig.machine->pull();
  rig.machine->pull();
  CHECK(rig.out.payloads("out") == std::vector<std::string>{"a", "b", "c"});
  CHECK(rig.machine->source()->current() == phase::drained);
  CHECK(rig.out.trail.back() == "drained");
}

TEST_CASE("a lost connection during a drain ends the source's drain") {
  machine_rig rig(connectors::source_ports());
  rig.impl->chunks = {"a", "b", "c"};
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.machine->pull();
  rig.machine->drain(true);
  CHECK(rig.out.drained == 0);
  rig.context->connection_lost("peer went away");
  rig.machine->take_calls();
  CHECK(rig.machine->source()->current() == phase::drained);
  CHECK(rig.out.drained == 1);
  CHECK(rig.out.supervisor.back().first == connection_report::lost);
}

TEST_CASE("the in-flight budget stops pulls until a batch comes back") {
  machine_rig rig(connectors::source_ports());
  rig.impl->chunks = {"a", "b", "c", "d"};
  rig.out.keep_credit = true;
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.machine->pull();
  rig.machine->pull();
  rig.machine->pull(); // budget of 2 batches used up: no pull
  CHECK(rig.impl->count("pull") == 2);
  CHECK(rig.credit_wakes == 0);
  rig.out.credits.erase(rig.out.credits.begin()); // a sink is done with batch 1
  CHECK(rig.credit_wakes == 1);
  rig.machine->pull();
  CHECK(rig.impl->count("pull") == 3);
}

TEST_CASE("a push source is paused while its batches use up the budget, and resumed after") {
  // Without this, a slow pipeline let a server's input pile up in memory
  // instead of leaving it in the kernel's buffers (TCP flow control).
  machine_rig rig(connectors::source_ports());
  rig.impl->push = true;
  rig.out.keep_credit = true;
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  REQUIRE(rig.impl->count("resume") == 1);
  rig.context->receive_value(0, value{"a"}, value{});
  rig.machine->take_calls();
  CHECK(rig.impl->count("pause") == 0);
  rig.context->receive_value(0, value{"b"}, value{});
  rig.machine->take_calls(); // the second batch uses up the budget of 2
  CHECK(rig.impl->count("pause") == 1);
  CHECK(rig.machine->source()->throttled());
  rig.out.credits.clear(); // the sinks are done with both batches
  CHECK(rig.credit_wakes == 1);
  rig.machine->pull(); // what the wake-up turns into
  CHECK(rig.impl->count("resume") == 2);
  CHECK(rig.machine->stats().named().get("backpressure_pauses") == 1);
}

TEST_CASE("a push source is paused when its event loop queued more than the mark") {
  machine_rig rig(connectors::source_ports(), false, {},
                  codecs::chain_spec{value{"string"}, value{array{"separate"}}, value{}});
  rig.impl->push = true;
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  std::string chunk(1 << 20, 'x');
  chunk += "\n";
  for (int i = 0; i < 5; ++i)
    rig.context->receive_bytes(0, chunk, value{});
  rig.machine->take_calls();
  CHECK(rig.impl->count("pause") == 1);
  // The actor caught up and the sinks have room: reading goes on.
  rig.context->receive_bytes(0, "small\n", value{});
  rig.machine->take_calls();
  CHECK(rig.impl->count("resume") == 2);
}

TEST_CASE("acks and fails reach the implementation for this source's entries only") {
  machine_rig rig(connectors::source_ports());
  rig.start();
  rig.machine->connect();
  event_id id{1, 0, 4};
  event_id other{2, 0, 7};
  id.track(event_id{1, 0, 6});
  id.track(other);
  rig.machine->contraflow(true, id);
  rig.machine->contraflow(false, id);
  CHECK(rig.impl->calls.back() == "fail 0:4");
  CHECK(rig.impl->calls[rig.impl->calls.size() - 2] == "ack 0:6");
}

TEST_CASE("a blocking pull runs on the pool, a drain meanwhile waits for it") {
  machine_rig rig(connectors::source_ports(), true);
  rig.impl->chunks = {"a", "b"};
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.machine->pull();
  CHECK(rig.out.blocking_pulls == 1);
  CHECK(rig.impl->count("pull") == 0);
  CHECK(rig.machine->source()->pull_in_flight());
  rig.machine->drain(false);
  rig.machine->contraflow(true, event_id{1, 0, 0});
  // No hook while the pull runs: the drain and the ack wait.
  CHECK(rig.impl->count("drain") == 0);
  CHECK(rig.impl->count("ack 0:0") == 0);
  // The pool ran it: what it read lands, then the drain goes on.
  rig.impl->pull();
  rig.machine->pulled(true);
  CHECK(rig.impl->count("drain") == 1);
  CHECK(rig.impl->count("ack 0:0") == 1);
  CHECK(rig.out.payloads("out") == std::vector<std::string>{"a"});
  CHECK(rig.out.trail == std::vector<std::string>{"batch:out:1", "markers", "drained"});
}

TEST_CASE("decode errors nobody reads are logged with a running count, not per event") {
  machine_rig rig(connectors::source_ports(), false, {},
                  codecs::chain_spec{value{"json"}, value{}, value{}});
  rig.out.linked_ports = {"out"};
  rig.start();
  rig.machine->connect();
  rig.out.logs.clear(); // the "connected" line
  for (int i = 0; i < 5; ++i)
    rig.context->receive_bytes(0, "{broken", value{});
  rig.machine->take_calls();
  REQUIRE(rig.out.logs.size() == 1);
  CHECK(rig.out.logs[0].find("1 decode error(s) so far") != std::string::npos);
  rig.out.clock += 11'000'000'000; // later than the report interval
  rig.context->receive_bytes(0, "{broken", value{});
  rig.machine->take_calls();
  REQUIRE(rig.out.logs.size() == 2);
  CHECK(rig.out.logs[1].find("6 decode error(s) so far") != std::string::npos);
}

TEST_CASE("an event emitted to a port the connector did not declare is counted and logged once") {
  machine_rig rig(connectors::source_ports());
  rig.start();
  rig.machine->connect();
  rig.out.logs.clear(); // the "connected" line
  rig.context->emit("metrics", 0, value{1}, value{});
  rig.context->emit("metrics", 0, value{2}, value{});
  rig.context->emit("err", 0, value{"e"}, value{});
  rig.machine->take_calls();
  CHECK(rig.out.logs.size() == 1);
  CHECK(rig.context->counters().at("events_to_undeclared_ports") == 2);
  CHECK(rig.out.payloads("err") == std::vector<std::string>{"e"});
}

TEST_CASE("a source that names its pull ids gets them back in acks, others are numbered after") {
  machine_rig rig(connectors::source_ports());
  rig.impl->push = true;
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.context->receive_value_as(0, 41, value{"offset 41"}, value{});
  rig.context->receive_value(0, value{"next"}, value{});
  rig.machine->take_calls();
  REQUIRE(rig.out.batches.size() == 1);
  const auto& evs = rig.out.batches[0].events;
  REQUIRE(evs.size() == 2);
  CHECK(evs[0].id.origins().front().min_pull == 41);
  CHECK(evs[1].id.origins().front().min_pull == 42);
  rig.machine->contraflow(true, evs[0].id);
  CHECK(rig.impl->calls.back() == "ack 0:41");
}

TEST_CASE("a pull source with nothing to read asks to be pulled again after a delay") {
  machine_rig rig(connectors::source_ports());
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  REQUIRE(rig.out.pull_requests == 1);
  rig.machine->pull(); // no chunks: pull() says nothing more
  CHECK(rig.out.pull_requests == 1);
  rig.context->pull_again(5'000'000);
  rig.machine->take_calls();
  REQUIRE(rig.out.pull_requests == 2);
  CHECK(rig.out.pull_delays.back() == 5'000'000);
  rig.impl->chunks = {"late"};
  rig.machine->pull();
  CHECK(rig.out.payloads("out") == std::vector<std::string>{"late"});
  // Asked twice before the pull ran: still one pull scheduled.
  rig.context->pull_again(0);
  rig.context->pull_again(0);
  rig.machine->take_calls();
  CHECK(rig.out.pull_requests == 3);
}

// -- sink side -------------------------------------------------------------------------

TEST_CASE("a sink acks and fails transactional events in order by the implementation's answer") {
  machine_rig rig(connectors::sink_ports());
  rig.start({});
  rig.machine->connect();
  CHECK(rig.out.breaker == std::vector<bool>{true});
  event_batch batch;
  batch.events = {machine_rig::txn(0, "a"), machine_rig::txn(1, "b")};
  rig.machine->write("in", batch);
  rig.impl->outcome = sink_outcome::failed;
  batch.events = {machine_rig::txn(2, "c")};
  rig.machine->write("in", batch);
  rig.impl->outcome = sink_outcome::pending;
  batch.events = {machine_rig::txn(3, "d")};
  rig.machine->write("in", batch);
  // A pending write is completed later through the context.
  rig.context->ack(machine_rig::txn(3).id);
  rig.machine->take_calls();
  CHECK(rig.out.trail == std::vector<std::string>{"restore", "ack", "ack", "fail", "ack"});
  CHECK(rig.impl->written == std::vector<std::string>{"in:a", "in:b", "in:c", "in:d"});
  CHECK(rig.impl->count("flush") == 3);
}

TEST_CASE("a transactional event is acked only after the flush that wrote it") {
  machine_rig rig(connectors::sink_ports());
  rig.start({});
  rig.machine->connect();
  event_batch batch;
  batch.events = {machine_rig::txn(0, "a")};
  rig.machine->write("in", batch);
  CHECK(rig.out.acks.size() == 1);
  // The flush loses the connection: what it held is failed, not acked.
  rig.impl->lose_on_flush = true;
  batch.events = {machine_rig::txn(1, "b"), machine_rig::txn(2, "c")};
  rig.machine->write("in", batch);
  CHECK(rig.out.acks.size() == 1);
  REQUIRE(rig.out.fails.size() == 2);
  CHECK(rig.out.fails[0].origins().front().min_pull == 1);
}

TEST_CASE("a graceful stop waits for the sink's writes still in flight") {
  machine_rig rig(connectors::sink_ports());
  rig.start({});
  rig.machine->connect();
  rig.impl->in_flight = 1;
  rig.machine->drain(false);
  rig.machine->drain_marker();
  CHECK(rig.out.drained == 0);
  rig.impl->in_flight = 0;
  rig.context->ack(machine_rig::txn(7).id); // the completion wakes the machine
  rig.machine->take_calls();
  CHECK(rig.out.drained == 1);
}

TEST_CASE("a sink that is down fails everything and logs the outage once") {
  machine_rig rig(connectors::sink_ports());
  rig.impl->connect_at_once = false;
  rig.start({});
  rig.machine->connect();
  event_batch batch;
  batch.events = {machine_rig::txn(0), machine_rig::txn(1), machine_rig::txn(2)};
  rig.machine->write("in", batch);
  CHECK(rig.out.fails.size() == 3);
  CHECK(rig.out.logs.size() == 1);
  CHECK(rig.impl->written.empty());
  rig.context->connected();
  rig.machine->take_calls();
  REQUIRE(rig.out.logs.back() == "connected");
  rig.out.logs.pop_back();
  batch.events = {machine_rig::txn(3)};
  rig.machine->write("in", batch);
  // The outage's total is reported once a write succeeds again.
  REQUIRE(rig.out.logs.size() == 2);
  CHECK(rig.out.logs[1].find("3 event(s) failed") != std::string::npos);
}

TEST_CASE("a sink is drained once every feeder's marker arrived, its streams end first") {
  machine_rig rig(connectors::sink_ports());
  rig.start({}, 2);
  rig.machine->connect();
  rig.machine->drain(false);
  rig.machine->drain_marker();
  CHECK(rig.out.drained == 0);
  rig.machine->drain_marker();
  CHECK(rig.out.drained == 1);
  CHECK(rig.impl->calls[rig.impl->calls.size() - 2] == "finish");
  CHECK(rig.impl->calls.back() == "flush");
}

TEST_CASE("a connector with both sides is drained only when both are") {
  machine_rig rig;
  rig.impl->push = true;
  rig.start({9}, 1);
  rig.machine->connect();
  rig.machine->drain(false);
  CHECK(rig.machine->source()->drained());
  CHECK(rig.out.drained == 0);
  rig.machine->drain_marker();
  CHECK(rig.out.drained == 1);
}

/// A connected duplex push connector with `in_flight` writes under way,
/// answering them (`answers`) or not, and a graceful stop on a signal begun.
void begin_stop_with_writes(machine_rig& rig, size_t in_flight, bool answers = true) {
  rig.impl->push = true;
  rig.impl->answers = answers;
  rig.start({9}, 1);
  rig.machine->connect();
  rig.impl->in_flight = in_flight;
  rig.machine->drain(false);
}

/// The last `n` entries of the outbox's trail.
std::vector<std::string> trail_tail(const machine_rig& rig, size_t n) {
  REQUIRE(rig.out.trail.size() >= n);
  return std::vector<std::string>(rig.out.trail.end() - static_cast<long>(n), rig.out.trail.end());
}

TEST_CASE("a connector that answers its writes delivers the answers still to come at a stop") {
  machine_rig rig;
  begin_stop_with_writes(rig, 2);
  rig.machine->drain_marker();
  // Held: the answers to the two requests under way are still to come.
  CHECK(rig.machine->source()->current() == phase::draining);
  CHECK(rig.machine->source()->awaiting_replies());
  CHECK(rig.out.markers == 0);
  // It looks again shortly even when no context call comes.
  REQUIRE(!rig.out.pull_delays.empty());
  CHECK(rig.out.pull_delays.back() == recheck_interval_ns);
  rig.context->receive_value(0, value{"first"}, value{});
  rig.impl->in_flight = 1;
  rig.machine->take_calls();
  CHECK(rig.out.markers == 0);
  rig.context->receive_value(0, value{"second"}, value{});
  rig.impl->in_flight = 0;
  rig.machine->take_calls();
  // Both answers left before the markers; nothing was dropped.
  CHECK(rig.out.payloads("out") == std::vector<std::string>{"first", "second"});
  CHECK(trail_tail(rig, 4) ==
        std::vector<std::string>{"batch:out:1", "batch:out:1", "markers", "drained"});
  CHECK(rig.machine->source()->dropped_after_drain() == 0);
}

TEST_CASE("a count that drops without a context call is seen on the re-check") {
  machine_rig rig;
  begin_stop_with_writes(rig, 1);
  rig.machine->drain_marker();
  rig.context->receive_value(0, value{"answer"}, value{});
  rig.machine->take_calls(); // the answer is taken before the count drops
  CHECK(rig.out.drained == 0);
  rig.impl->in_flight = 0;
  rig.machine->pull(); // the scheduled re-check
  CHECK(trail_tail(rig, 3) == std::vector<std::string>{"batch:out:1", "markers", "drained"});
}

TEST_CASE("a connector that does not answer its writes drains its source at once") {
  machine_rig rig;
  // A ws or tcp client's writes: its source does not wait for them.
  begin_stop_with_writes(rig, 1, false);
  CHECK(rig.machine->source()->drained());
  CHECK(rig.out.markers == 1);
}

TEST_CASE("an answer that comes back to the same connector's input ends the wait") {
  machine_rig rig;
  begin_stop_with_writes(rig, 1);
  CHECK(rig.machine->source()->awaiting_replies());
  // An event from another source does not end it…
  event other;
  other.payload = value{"from elsewhere"};
  other.id = event_id{5, 0, 0};
  event_batch batch;
  batch.events = {other};
  rig.machine->write("in", batch);
  CHECK(rig.machine->source()->awaiting_replies());
  // …one of our own (a loop out -> in) does: each answer would write anew.
  batch.events = {machine_rig::txn(0)};
  rig.machine->write("in", batch);
  CHECK(rig.machine->source()->drained());
  CHECK(rig.out.markers == 1);
}

TEST_CASE("what arrives after the source drained is counted as dropped") {
  machine_rig rig;
  rig.impl->push = true;
  rig.start({9}, 1);
  rig.machine->connect();
  rig.machine->drain(false);
  REQUIRE(rig.machine->source()->drained());
  rig.context->receive_value(0, value{"late"}, value{});
  rig.machine->take_calls();
  CHECK(rig.machine->source()->dropped_after_drain() == 1);
  CHECK(rig.machine->stats().dropped.load() == 1);
  CHECK(rig.machine->stats().named().get("dropped_after_drain").load() == 1);
  CHECK(rig.out.payloads("out").empty());
}

// -- connection ----------------------------------------------------------------------------

TEST_CASE("a stop during a connect ignores its late outcome and stops the implementation once") {
  machine_rig rig;
  rig.impl->connect_at_once = false;
  rig.start();
  rig.machine->connect();
  CHECK(rig.machine->state() == connector_machine::connection::connecting);
  rig.machine->stop();
  rig.context->connected(); // the attempt ends after the stop
  rig.machine->take_calls();
  rig.machine->stop();
  CHECK(rig.out.supervisor.empty());
  CHECK(rig.impl->count("stop") == 1);
  CHECK(rig.machine->state() == connector_machine::connection::stopped);
}

TEST_CASE("a lost connection trips the breaker upstream and tells the supervisor") {
  machine_rig rig;
  rig.start();
  rig.machine->connect();
  rig.context->receive_value(0, value{"hello"}, value{});
  rig.context->connection_lost("reset by peer");
  rig.machine->take_calls();
  CHECK(rig.out.breaker == std::vector<bool>{true, false});
  REQUIRE(rig.out.supervisor.size() == 2);
  CHECK(rig.out.supervisor[1] == std::make_pair(connection_report::lost, std::string("reset by peer")));
  CHECK(rig.machine->source()->current() == phase::waiting);
  // A second report of the same loss is not news.
  rig.context->connection_lost("again");
  rig.machine->take_calls();
  CHECK(rig.out.supervisor.size() == 2);
  rig.machine->connect();
  CHECK(rig.out.supervisor.back().first == connection_report::connected);
}

TEST_CASE("a connection dropped before any traffic, within the grace period, is a failed connect") {
  // A server that accepts and drops at once: reported as a lost connection,
  // each drop would reset the retry budget and the connector would
  // reconnect forever.
  machine_rig rig;
  rig.start();
  rig.machine->connect();
  rig.out.clock += connection_grace_ns / 2;
  rig.context->connection_lost("closed");
  rig.machine->take_calls();
  REQUIRE(rig.out.supervisor.size() == 2);
  CHECK(rig.out.supervisor[1].first == connection_report::connect_failed);
  CHECK(rig.out.supervisor[1].second.find("before any traffic") != std::string::npos);
  CHECK(rig.out.breaker == std::vector<bool>{true, false});
  // A connection that lived past the grace period was a real one.
  rig.machine->connect();
  rig.out.clock += connection_grace_ns;
  rig.context->connection_lost("closed");
  rig.machine->take_calls();
  CHECK(rig.out.supervisor.back().first == connection_report::lost);
}

// -- faults ----------------------------------------------------------------------------------

TEST_CASE("a fault replaces the implementation with a fresh one and reports a lost connection") {
  std::vector<std::shared_ptr<test::scripted_connector>> built;
  machine_rig rig(connectors::duplex_ports(), false,
                  [&](std::shared_ptr<connectors::connector_context> ctx, std::string&) {
                    built.push_back(std::make_shared<test::scripted_connector>(ctx));
                    return built.back();
                  });
  rig.start();
  rig.machine->connect();
  rig.machine->fault("boom");
  CHECK(rig.impl->count("stop") == 1);
  REQUIRE(built.size() == 1);
  CHECK(built[0]->calls == std::vector<std::string>{"start sink_linked source_linked"});
  CHECK(rig.out.supervisor.back() == std::make_pair(connection_report::lost, std::string("fault: boom")));
  CHECK(rig.context->counters().at("faults") == 1);
  // The old implementation's stray calls go nowhere; the supervisor's
  // reconnect reaches the new one.
  rig.context->connected();
  rig.machine->take_calls();
  CHECK(rig.out.supervisor.size() == 2);
  rig.machine->connect();
  CHECK(built[0]->count("connect") == 1);
  CHECK(rig.out.supervisor.back().first == connection_report::connected);
}

TEST_CASE("a fault with no way to rebuild fails the connector") {
  machine_rig rig;
  rig.start();
  rig.machine->connect();
  rig.machine->fault("boom");
  CHECK(rig.out.supervisor.back().first == connection_report::failed);
}

}
