#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "dsl/deployment.hpp"
#include "runtime/deployer/deployer_actor.hpp"
#include "runtime/deployer/deployment_plan.hpp"
#include "runtime/system/log.hpp"

using namespace temblor;
using namespace std::chrono_literals;

namespace {

// A loopback port nobody listens on: bound, then closed again, so connects
// are refused at once.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::shared_ptr<deployment_plan> plan_for(const std::string& troy) {
  dsl::diagnostics diags;
  dsl::deployment deployment;
  dsl::load_troy_source("status.troy", troy, dsl::load_options{}, deployment, diags);
  auto plan = std::make_shared<deployment_plan>();
  plan_options options;
  options.debug_connectors = true;
  bool ok = !diags.has_errors() && make_plan(deployment, options, *plan, diags);
  INFO(diags.render());
  REQUIRE(ok);
  static io::pools pools(2, 2);
  plan->services = pools.get();
  // These tests look at a failed flow: the process must stay up for them.
  plan->keep_serving = true;
  return plan;
}

using states = std::map<std::string, std::string>;

states query(caf::scoped_actor& self, const deployer_actor& deployer) {
  states out;
  self->request(deployer, 2s, atom::status_atom_v)
    .receive([&](const states& s) { out = s; },
             [&](const caf::error& e) { FAIL("status query failed: " << to_string(e)); });
  return out;
}

// Polls the deployer until `alias` is in `state` or `timeout` passes.
states wait_for_state(caf::scoped_actor& self, const deployer_actor& deployer,
                      const std::string& alias, const std::string& state,
                      std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  states s = query(self, deployer);
  while (s[alias] != state && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
    s = query(self, deployer);
  }
  return s;
}

} // namespace

TEST_SUITE("qos.status") {

TEST_CASE("a connector whose retries are exhausted shows failed and the others keep running") {
  log::set_level(log::level::off);
  auto plan = plan_for(R"(
define flow main
flow
  define connector client from ws_client
  with
    codec = "json",
    config = {"url": "ws://127.0.0.1:)" + std::to_string(closed_port()) + R"("},
    reconnect = {"retry": {"interval_ms": 20, "growth_rate": 1, "max_retries": 2, "randomized": false}}
  end;
  define connector sink from `null`;
  create connector client;
  create connector sink;
end;
deploy flow main;
)");
  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto root = sys.spawn(deployer, plan, std::make_shared<int>(0));
  plan.reset();

  auto s = wait_for_state(self, root, "main::client", "failed", 5000ms);
  CHECK(s["main::client"] == "failed");
  CHECK(s["main::sink"] == "running");
  // The flow is as healthy as its least healthy connector.
  CHECK(s["main"] == "failed");
  CHECK(s.size() == 3);
  // Failed is final: the process keeps running and no retry revives it.
  std::this_thread::sleep_for(200ms);
  s = query(self, root);
  CHECK(s["main::client"] == "failed");

  self->send(root, atom::stop_atom_v, false, false);
  self->wait_for(root);
  log::set_level(log::level::info);
}

TEST_CASE("a connector that connects shows running and not failed") {
  log::set_level(log::level::off);
  auto plan = plan_for(R"(
define flow main
flow
  define connector sink from `null`;
  create connector sink;
end;
deploy flow main;
)");
  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto root = sys.spawn(deployer, plan, std::make_shared<int>(0));
  plan.reset();
  auto s = wait_for_state(self, root, "main::sink", "running", 5000ms);
  CHECK(s == states{{"main", "running"}, {"main::sink", "running"}});
  self->send(root, atom::stop_atom_v, false, false);
  self->wait_for(root);
  log::set_level(log::level::info);
}

TEST_CASE("an operator pauses and resumes a flow, its sources stop and go on") {
  log::set_level(log::level::off);
  auto plan = plan_for(R"(
define flow main
flow
  use tremor::pipelines;
  use std::time::nanos;
  define connector ticks from metronome with config = {"interval": nanos::from_millis(5)} end;
  define connector sink from `null`;
  create connector ticks;
  create connector sink;
  create pipeline pass from pipelines::passthrough;
  connect /connector/ticks to /pipeline/pass;
  connect /pipeline/pass to /connector/sink;
end;
deploy flow main;
)");
  std::shared_ptr<stage_stats> ticks;
  for (const auto& c : plan->connectors)
    if (c.alias == "main::ticks")
      ticks = c.stats;
  REQUIRE(ticks);
  auto emitted = [&] { return ticks->outputs().front()->events.load(); };
  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto root = sys.spawn(deployer, plan, std::make_shared<int>(0));
  plan.reset();
  wait_for_state(self, root, "main::ticks", "running", 5000ms);
  auto ask = [&](auto atom, std::string flow, std::string connector) {
    bool ok = false;
    self->request(root, 2s, atom, flow, connector)
      .receive([&](bool r) { ok = r; }, [&](const caf::error&) {});
    return ok;
  };
  auto describe = [&] {
    value out;
    self->request(root, 2s, caf::get_atom_v).receive([&](const value& v) { out = v; },
                                                     [&](const caf::error&) {});
    return out;
  };
  CHECK_FALSE(ask(atom::pause_atom_v, "nope", ""));
  CHECK_FALSE(ask(atom::pause_atom_v, "main", "nope"));
  REQUIRE(ask(atom::pause_atom_v, "main", ""));
  std::this_thread::sleep_for(100ms); // a tick in flight may still land
  auto at_pause = emitted();
  std::this_thread::sleep_for(200ms);
  CHECK(emitted() == at_pause);
  value description = describe();
  auto flows = description.get("flows");
  REQUIRE(flows);
  const auto& flow = flows->as_array().at(0);
  CHECK(flow.get("status")->as_string() == "paused");
  const auto& conns = flow.get("connectors")->as_array();
  REQUIRE(conns.size() == 2);
  for (const auto& c : conns) {
    if (c.get("alias")->as_string() != "ticks")
      continue;
    CHECK(c.get("type")->as_string() == "metronome");
    CHECK(c.get("connectivity")->as_string() == "connected");
    CHECK(c.get("pipelines")->get("out")->as_array().at(0).get("alias")->as_string() == "pass");
  }
  REQUIRE(ask(atom::resume_atom_v, "main", "ticks"));
  std::this_thread::sleep_for(200ms);
  CHECK(emitted() > at_pause);
  // The sink is still paused, so the flow is.
  description = describe();
  CHECK(description.get("flows")->as_array().at(0).get("status")->as_string() == "paused");
  REQUIRE(ask(atom::resume_atom_v, "main", ""));
  description = describe();
  CHECK(description.get("flows")->as_array().at(0).get("status")->as_string() == "running");
  self->send(root, atom::stop_atom_v, false, false);
  self->wait_for(root);
  log::set_level(log::level::info);
}

}
