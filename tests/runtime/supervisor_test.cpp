#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "runtime/supervisor/supervisor_actor.hpp"
#include "tests/support/deterministic_fixture.hpp"

using namespace temblor;

namespace {

struct observations {
  std::vector<int64_t> connect_times_ms;
  std::vector<stage_state> states;
  bool succeed_from_attempt = false;
  size_t succeed_at = 0;
  supervisor_actor supervisor;
};

// A connector that fails every connect (or succeeds from attempt N on).
connectable_actor::behavior_type flaky_connector(connectable_actor::pointer self,
                                                 std::shared_ptr<observations> obs,
                                                 test::deterministic_fixture* fx) {
  return {
    [=](atom::connect_atom) {
      obs->connect_times_ms.push_back(fx->now_ms());
      if (obs->succeed_from_attempt && obs->connect_times_ms.size() >= obs->succeed_at)
        self->send(obs->supervisor, atom::connected_atom_v, uint64_t{1});
      else
        self->send(obs->supervisor, atom::conn_fail_atom_v, uint64_t{1}, std::string("refused"));
    },
  };
}

deployer_actor::behavior_type recording_deployer(deployer_actor::pointer,
                                                 std::shared_ptr<observations> obs) {
  return {
    [](atom::drained_atom, uint64_t) {},
    [](atom::shutdown_atom, uint64_t, bool) {},
    [](atom::timeout_atom) {},
    [](atom::stop_atom, bool, bool) {},
    [obs](atom::status_atom, uint64_t, stage_state s) { obs->states.push_back(s); },
    [](atom::status_atom) { return std::map<std::string, std::string>{}; },
    [](caf::get_atom) { return value{}; },
    [](atom::pause_atom, const std::string&, const std::string&) { return false; },
    [](atom::resume_atom, const std::string&, const std::string&) { return false; },
  };
}

reconnect_policy retry_config(record body) {
  reconnect_policy policy;
  std::string err;
  REQUIRE(reconnect_policy::parse(value{record{{"retry", value{std::move(body)}}}}, policy, err));
  return policy;
}

} // namespace

TEST_SUITE("runtime.supervisor") {

TEST_CASE("retries come exactly 100/200/400/800/1600 ms apart, then the connector fails") {
  test::deterministic_fixture fx;
  auto obs = std::make_shared<observations>();
  auto deployer = fx.sys.spawn(recording_deployer, obs);
  obs->supervisor = fx.sys.spawn(supervisor, deployer);
  auto conn = fx.sys.spawn(flaky_connector, obs, &fx);
  caf::anon_send(obs->supervisor, atom::start_atom_v, uint64_t{1}, std::string("flow::c"),
                 retry_config({{"interval_ms", 100}, {"growth_rate", 2}, {"max_retries", 5},
                               {"randomized", false}}),
                 caf::actor_cast<connectable_actor>(conn));
  fx.sched.run();
  int64_t start = fx.now_ms();
  std::vector<int64_t> waits;
  for (int64_t expected : {100, 200, 400, 800, 1600}) {
    size_t before = obs->connect_times_ms.size();
    // One millisecond short of the wait: nothing may happen yet.
    fx.sched.advance_time(std::chrono::milliseconds(expected - 1));
    fx.sched.run();
    CHECK(obs->connect_times_ms.size() == before);
    fx.sched.advance_time(std::chrono::milliseconds(1));
    fx.sched.run();
    REQUIRE(obs->connect_times_ms.size() == before + 1);
    waits.push_back(obs->connect_times_ms.back() - obs->connect_times_ms[before - 1]);
  }
  CHECK(waits == std::vector<int64_t>{100, 200, 400, 800, 1600});
  CHECK(obs->connect_times_ms.front() == start);
  // Retries exhausted: no further attempt, however long we wait.
  fx.sched.advance_time(std::chrono::hours(1));
  fx.sched.run();
  CHECK(obs->connect_times_ms.size() == 6);
  REQUIRE_FALSE(obs->states.empty());
  CHECK(obs->states.back() == stage_state::failed);
  caf::anon_send_exit(conn, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(obs->supervisor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(deployer, caf::exit_reason::user_shutdown);
  fx.sched.run();
}

TEST_CASE("a successful connect resets the retry count") {
  test::deterministic_fixture fx;
  auto obs = std::make_shared<observations>();
  obs->succeed_from_attempt = true;
  obs->succeed_at = 3;
  auto deployer = fx.sys.spawn(recording_deployer, obs);
  obs->supervisor = fx.sys.spawn(supervisor, deployer);
  auto conn = fx.sys.spawn(flaky_connector, obs, &fx);
  caf::anon_send(obs->supervisor, atom::start_atom_v, uint64_t{1}, std::string("flow::c"),
                 retry_config({{"interval_ms", 50}, {"growth_rate", 2}, {"randomized", false}}),
                 caf::actor_cast<connectable_actor>(conn));
  fx.sched.run();
  fx.sched.advance_time(std::chrono::milliseconds(50));
  fx.sched.run();
  fx.sched.advance_time(std::chrono::milliseconds(100));
  fx.sched.run();
  REQUIRE(obs->connect_times_ms.size() == 3);
  CHECK(obs->states.back() == stage_state::running);
  // The connection drops: the next wait starts from the interval again.
  obs->succeed_from_attempt = false;
  caf::anon_send(obs->supervisor, atom::conn_lost_atom_v, uint64_t{1}, std::string("reset"));
  fx.sched.run();
  fx.sched.advance_time(std::chrono::milliseconds(49));
  fx.sched.run();
  CHECK(obs->connect_times_ms.size() == 3);
  fx.sched.advance_time(std::chrono::milliseconds(1));
  fx.sched.run();
  CHECK(obs->connect_times_ms.size() == 4);
  caf::anon_send_exit(conn, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(obs->supervisor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(deployer, caf::exit_reason::user_shutdown);
  fx.sched.run();
}

}
