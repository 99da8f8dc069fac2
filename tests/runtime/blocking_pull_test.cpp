#include <doctest/doctest.h>

#include <stdexcept>
#include <thread>

#include "runtime/connector/blocking_pull.hpp"
#include "tests/runtime/machine_doubles.hpp"

using namespace temblor;
using test::machine_rig;

namespace {

std::vector<std::string> texts(const std::vector<context_call>& calls) {
  std::vector<std::string> out;
  for (const auto& c : calls)
    out.push_back(c.text);
  return out;
}

/// A blocking source whose bytes go through `separate` and `json`.
machine_rig json_lines_rig() {
  return machine_rig(connectors::source_ports(), true, {},
                     codecs::chain_spec{value{"json"}, value{array{value{"separate"}}}, value{}});
}

std::vector<int64_t> numbers(const test::recording_outbox& out) {
  std::vector<int64_t> got;
  for (const auto& b : out.batches)
    for (const auto& ev : b.events) {
      int64_t n = -1;
      if (const value* v = ev.payload.get("n"))
        v->get_i64(n);
      got.push_back(n);
    }
  return got;
}

} // namespace

TEST_SUITE("runtime.blocking_pull") {

TEST_CASE("a held context queue gives its owner nothing and wakes nobody, and release puts "
          "the prepared calls first") {
  context_queue q("flow::conn");
  int wakes = 0;
  q.set_wake([&] { ++wakes; });
  q.hold();
  q.receive_bytes(0, "read", value{});
  CHECK(wakes == 0);
  std::vector<context_call> calls;
  q.take(calls);
  CHECK(calls.empty());
  std::vector<context_call> prepared;
  q.take_held(prepared);
  CHECK(texts(prepared) == std::vector<std::string>{"read"});
  q.receive_bytes(0, "later", value{}); // from another thread, during the decoding
  prepared[0].text = "decoded";
  q.release(prepared);
  CHECK(wakes == 0); // the pull's end tells the owner
  q.take(calls);
  CHECK(texts(calls) == std::vector<std::string>{"decoded", "later"});
  q.receive_bytes(0, "next", value{});
  CHECK(wakes == 1);
}

TEST_CASE("a blocking pull decodes on its own thread, the actor takes nothing meanwhile and "
          "then batches the events in order") {
  auto rig = json_lines_rig();
  rig.impl->bytes = true;
  rig.impl->chunks = {"{\"n\":1}\n{\"n\":", "2}\n{\"n\":3}"};
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.machine->pull();
  REQUIRE(rig.out.blocking_pulls == 1);
  auto pull = rig.machine->lend_pull();
  bool more = false;
  std::thread pool([&] { more = pull.run(now_ns()); });
  pool.join();
  // Decoded already: the source's decoders ran on the pool's thread.
  rig.machine->take_calls(); // what a wake-up meanwhile would do: the queue is released now
  rig.machine->pulled(more);
  CHECK(numbers(rig.out) == std::vector<int64_t>{1});
  CHECK(rig.machine->stats().bytes_in.load() == 13);
  // The second pull ends the stream: the last line without a separator comes out.
  rig.machine->pull();
  pull = rig.machine->lend_pull();
  // A call from elsewhere while the pull runs waits for it, in its place.
  record nine;
  nine.set("n", value{int64_t{9}});
  rig.context->receive_value(0, value{std::move(nine)}, value{});
  rig.machine->take_calls();
  CHECK(numbers(rig.out) == std::vector<int64_t>{1});
  std::thread pool2([&] { more = pull.run(now_ns()); });
  pool2.join();
  rig.machine->pulled(more);
  CHECK(numbers(rig.out) == std::vector<int64_t>{1, 9, 2, 3});
  CHECK(rig.out.trail == std::vector<std::string>{"batch:out:1", "batch:out:3"});
}

TEST_CASE("a pull that throws releases the context queue") {
  auto rig = json_lines_rig();
  rig.impl->throw_in_pull = true;
  rig.start();
  rig.machine->connect();
  rig.machine->restore(9);
  rig.machine->pull();
  auto pull = rig.machine->lend_pull();
  CHECK_THROWS_AS(pull.run(now_ns()), std::runtime_error);
  rig.context->receive_value(0, value{"after"}, value{});
  std::vector<context_call> calls;
  rig.context->take(calls);
  CHECK(texts(calls).size() == 1);
}

} // TEST_SUITE
