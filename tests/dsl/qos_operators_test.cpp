// qos::backpressure and qos::percentile, driven through a pipeline runner
// the way the pipeline actor drives them: events in, sinks' acks and fails
// back in through contraflow().

#include <doctest/doctest.h>

#include "dsl/operators.hpp"
#include "dsl_test_support.hpp"

using namespace temblor;
using namespace temblor::dsl;
using namespace temblor::dsl::test;

namespace {

constexpr uint64_t stage = 7;
constexpr uint64_t second = 1000000000ULL;

std::unique_ptr<pipeline_runner> guarded_by(const std::string& op_type, const std::string& with) {
  std::string body = "define operator guard from " + op_type + " with " + with + " end;\n" +
                     "create operator guard;\n"
                     "select event from in into guard;\n"
                     "select event from guard into out;\n"
                     "select event from guard/overflow into overflow;\n";
  std::string errors;
  auto prog = compile(body, &errors, "into out, overflow");
  REQUIRE_MESSAGE(static_cast<bool>(prog), errors);
  return make_pipeline_runner(*prog, stage);
}

// Sends one event through; returns the port it left by and its id.
std::string send(pipeline_runner& r, event_id& id) {
  pipeline_output out;
  event ev = make_event(value("x"));
  ev.id = event_id(1, 0, 42);
  r.process("in", std::move(ev), out);
  REQUIRE(out.events.size() == 1);
  id = out.events[0].ev.id;
  return out.events[0].port;
}

std::string send(pipeline_runner& r) {
  event_id ignored;
  return send(r, ignored);
}

} // namespace

TEST_SUITE("dsl.qos_operators") {

TEST_CASE("backpressure tags what it lets through so the sink's answer comes back") {
  auto r = guarded_by("qos::backpressure", "timeout = 100");
  event_id id;
  CHECK(send(*r, id) == "out");
  REQUIRE(id.origins().size() == 2);
  CHECK(id.origins()[0].source == 1); // the source's origin is kept
  CHECK(id.origins()[1].source == stage);
  uint64_t stream = 99;
  CHECK(id.stream_of(stage, stream));
}

TEST_CASE("backpressure sends events to overflow after a fail, for the backoff step") {
  auto r = guarded_by("qos::backpressure", "timeout = 100, steps = [60000]");
  event_id id;
  REQUIRE(send(*r, id) == "out");
  CHECK(send(*r) == "out");
  r->contraflow(false, id, now_ns());
  CHECK(send(*r) == "overflow");
  CHECK(send(*r) == "overflow");
}

TEST_CASE("backpressure climbs its steps with each failure and starts over after a good ack") {
  auto r = guarded_by("qos::backpressure", "timeout = 100, steps = [0, 60000]");
  event_id first, second_id, third;
  REQUIRE(send(*r, first) == "out");
  r->contraflow(false, first, now_ns()); // step 0 ms: no real backoff
  REQUIRE(send(*r, second_id) == "out");
  REQUIRE(send(*r, third) == "out");
  r->contraflow(true, second_id, now_ns()); // a timely ack: back to step 0
  r->contraflow(false, third, now_ns());
  CHECK(send(*r) == "out");
  event_id fourth;
  REQUIRE(send(*r, fourth) == "out");
  r->contraflow(false, fourth, now_ns()); // second failure in a row: 60 s
  CHECK(send(*r) == "overflow");
}

TEST_CASE("backpressure treats an ack slower than the timeout as a failure") {
  auto r = guarded_by("qos::backpressure", "timeout = 100, steps = [60000]");
  event_id quick, slow;
  REQUIRE(send(*r, quick) == "out");
  r->contraflow(true, quick, now_ns());
  REQUIRE(send(*r, slow) == "out");
  r->contraflow(true, slow, now_ns() + 2 * second);
  CHECK(send(*r) == "overflow");
}

TEST_CASE("backpressure reads a timeout of a million or more as nanoseconds (Tremor 0.13)") {
  // 10 s in ns; read as ms it would be almost four months.
  auto r = guarded_by("qos::backpressure", "timeout = 10000000000, steps = [60000]");
  event_id quick, slow;
  REQUIRE(send(*r, quick) == "out");
  r->contraflow(true, quick, now_ns()); // in time
  REQUIRE(send(*r, slow) == "out");
  r->contraflow(true, slow, now_ns() + 20 * second);
  CHECK(send(*r) == "overflow");
}

TEST_CASE("percentile drops 5% of the share per failure by default, as Tremor") {
  auto r = guarded_by("qos::percentile", "timeout = 100");
  event_id id;
  REQUIRE(send(*r, id) == "out");
  r->contraflow(false, id, now_ns());
  int passed = 0;
  for (int i = 0; i < 20000; ++i)
    passed += send(*r) == "out" ? 1 : 0;
  // 95% of 20,000 is 19,000 with a standard deviation of about 31.
  CHECK(passed > 18700);
  CHECK(passed < 19300);
}

TEST_CASE("backpressure ignores contraflow meant for other stages") {
  auto r = guarded_by("qos::backpressure", "timeout = 100, steps = [60000]");
  r->contraflow(false, event_id(stage + 1, 0, 1), now_ns());
  r->contraflow(false, event_id(1, 0, 42), now_ns());
  CHECK(send(*r) == "out");
}

TEST_CASE("backpressure with method pause keeps events flowing and pauses upstream") {
  auto r = guarded_by("qos::backpressure", R"(timeout = 100, steps = [60000], method = "pause")");
  event_id id;
  REQUIRE(send(*r, id) == "out");
  uint64_t now = now_ns();
  CHECK_FALSE(r->pauses_upstream(now));
  r->contraflow(false, id, now);
  CHECK(r->pauses_upstream(now + second));
  CHECK_FALSE(r->pauses_upstream(now + 61 * second));
  CHECK(send(*r) == "out");
  CHECK(r->tick_interval_ns() > 0); // so the pause is lifted without events
}

TEST_CASE("percentile lets fewer events through after failures and recovers on timely acks") {
  auto r = guarded_by("qos::percentile", "timeout = 100, step_down = 1.0, step_up = 1.0");
  event_id id;
  REQUIRE(send(*r, id) == "out");
  r->contraflow(false, id, now_ns());
  int passed = 0;
  event_id passed_id;
  for (int i = 0; i < 20000; ++i) {
    event_id each;
    if (send(*r, each) == "out") {
      ++passed;
      passed_id = each;
    }
  }
  // The share dropped to its floor of 0.1%: about 20 of 20,000 pass (none
  // or over 100 has a chance below 1e-8).
  CHECK(passed < 100);
  REQUIRE(passed > 0);
  r->contraflow(true, passed_id, now_ns());
  for (int i = 0; i < 100; ++i)
    CHECK(send(*r) == "out");
}

TEST_CASE("qos operators reject bad configs with a message") {
  std::string err;
  CHECK_FALSE(make_operator("qos::backpressure", value(record{{"method", value("drop")}}), err));
  CHECK(err.find("`method`") != std::string::npos);
  CHECK_FALSE(make_operator("qos::backpressure", value(record{{"steps", value(array{})}}), err));
  CHECK(err.find("`steps`") != std::string::npos);
  CHECK_FALSE(make_operator("qos::percentile", value(record{{"step_up", value(2.0)}}), err));
  CHECK(err.find("`step_up`") != std::string::npos);
  CHECK_FALSE(make_operator("qos::percentile", value(record{{"timeout", value("soon")}}), err));
  CHECK(err.find("`timeout`") != std::string::npos);
}

}
