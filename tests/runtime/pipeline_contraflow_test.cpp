// The pipeline actor as an ack target: a sink's fail reaches the pipeline's
// qos operators, which then divert events or pause the sources upstream.

#include <doctest/doctest.h>

#include <memory>
#include <thread>
#include <vector>

#include "runtime/pipeline/pipeline_actor.hpp"
#include "tests/dsl/dsl_test_support.hpp"
#include "tests/support/deterministic_fixture.hpp"

using namespace temblor;

namespace {

constexpr uint64_t pipeline_id = 5;

struct observations {
  std::vector<std::pair<std::string, event>> received; ///< (sink name, event)
  std::vector<std::string> breaker;                    ///< "trigger:5", "restore:5"
};

event_sink_actor::behavior_type recording_sink(event_sink_actor::pointer, std::string name,
                                               std::shared_ptr<observations> obs) {
  return {
    [=](atom::event_atom, const std::string&, event_batch& batch) {
      for (auto& ev : batch.events)
        obs->received.emplace_back(name, std::move(ev));
    },
    [](atom::drain_atom, uint64_t) {},
  };
}

contraflow_actor::behavior_type recording_source(contraflow_actor::pointer,
                                                 std::shared_ptr<observations> obs) {
  return {
    [](atom::ack_atom, const event_id&) {},
    [](atom::fail_atom, const event_id&) {},
    [obs](atom::cb_trigger_atom, uint64_t from) {
      obs->breaker.push_back("trigger:" + std::to_string(from));
    },
    [obs](atom::cb_restore_atom, uint64_t from) {
      obs->breaker.push_back("restore:" + std::to_string(from));
    },
  };
}

struct guarded_pipeline {
  test::deterministic_fixture fx;
  std::shared_ptr<observations> obs = std::make_shared<observations>();
  pipeline_actor pipe;

  explicit guarded_pipeline(const std::string& with) {
    std::string errors;
    auto prog = dsl::test::compile("define operator bp from qos::backpressure with " + with +
                                     " end;\ncreate operator bp;\n"
                                     "select event from in into bp;\n"
                                     "select event from bp into out;\n"
                                     "select event from bp/overflow into overflow;\n",
                                   &errors, "into out, overflow");
    REQUIRE_MESSAGE(static_cast<bool>(prog), errors);
    pipe = fx.sys.spawn(pipeline, pipeline_id, std::string("flow::guarded"), prog,
                        deployer_actor{}, nullptr, nullptr);
    pipeline_wiring wiring;
    wiring.outputs.push_back({"out", fx.sys.spawn(recording_sink, "out", obs), "in"});
    wiring.outputs.push_back({"overflow", fx.sys.spawn(recording_sink, "overflow", obs), "in"});
    wiring.upstream_count = 1;
    wiring.upstream_sources.push_back(fx.sys.spawn(recording_source, obs));
    caf::anon_send(pipe, atom::start_atom_v, std::move(wiring));
    fx.sched.run();
  }

  // A pending tick keeps the pipeline alive; the system would wait forever.
  ~guarded_pipeline() {
    caf::anon_send_exit(pipe, caf::exit_reason::user_shutdown);
    fx.sched.run();
  }

  void send_event(int n) {
    event ev;
    ev.payload = value(static_cast<long long>(n));
    ev.id = event_id(1, 0, static_cast<uint64_t>(n));
    event_batch batch;
    batch.events.push_back(std::move(ev));
    caf::anon_send(pipe, atom::event_atom_v, std::string("in"), std::move(batch));
    fx.sched.run();
  }

  void sink_fails(const event& ev) {
    caf::anon_send(pipe, atom::fail_atom_v, ev.id);
    fx.sched.run();
  }
};

} // namespace

TEST_SUITE("runtime.pipeline_contraflow") {

TEST_CASE("a sink's fail sent to the pipeline diverts the next events to overflow") {
  guarded_pipeline g("timeout = 100, steps = [60000]");
  g.send_event(1);
  REQUIRE(g.obs->received.size() == 1);
  CHECK(g.obs->received[0].first == "out");
  g.sink_fails(g.obs->received[0].second);
  g.send_event(2);
  REQUIRE(g.obs->received.size() == 2);
  CHECK(g.obs->received[1].first == "overflow");
  CHECK(g.obs->breaker.empty());
}

TEST_CASE("in pause mode a sink's fail pauses the sources upstream until the backoff ends") {
  guarded_pipeline g(R"(timeout = 100, steps = [150], method = "pause")");
  g.send_event(1);
  REQUIRE(g.obs->received.size() == 1);
  g.sink_fails(g.obs->received[0].second);
  REQUIRE(g.obs->breaker == std::vector<std::string>{"trigger:5"});
  g.send_event(2);
  CHECK(g.obs->received.back().first == "out"); // in flight: not discarded
  // The backoff is measured on the wall clock; the pipeline notices its end
  // on a tick, which runs on the test's clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  g.fx.sched.advance_time(std::chrono::milliseconds(20));
  g.fx.sched.run();
  CHECK(g.obs->breaker == std::vector<std::string>{"trigger:5", "restore:5"});
}

}
