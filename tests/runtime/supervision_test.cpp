#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "dsl/deployment.hpp"
#include "runtime/deployer/deployer_actor.hpp"
#include "runtime/deployer/deployment_plan.hpp"
#include "runtime/system/log.hpp"

using namespace temblor;
using namespace std::chrono_literals;

// Faults injected into connectors of a test registry: the supervisor must
// restart a connector whose implementation throws, under its reconnect
// policy, or fail its flow, never leave it hanging. The demo connectors are
// also what shows that adding a connector needs no change under runtime/:
// they live here and are registered in a registry of their own.
namespace {

/// What the demo connectors saw, shared with the test.
struct observed {
  std::mutex mutex;
  std::vector<int64_t> received; ///< payloads that reached the recording sink
  std::atomic<int> built{0};     ///< faulty connectors built (1 + restarts)
};
observed seen;

/// A pull-based counter that throws where its config says: in `connect` or
/// in the pull that would emit `throw_at`; `fail_rebuild` makes building a
/// second instance fail.
class faulty_counter final : public connectors::connector {
public:
  faulty_counter(const connectors::connector_args& args)
    : ctx_(args.context), throw_in_(args.config.get("throw_in")->as_string()) {
    args.config.get("throw_at")->get_i64(throw_at_);
  }
  connectors::connector_ports ports() const override { return connectors::source_ports(); }
  void connect() override {
    if (throw_in_ == "connect")
      throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                              "cannot start a thread");
    ctx_->connected();
  }
  bool pull() override {
    if (throw_in_ == "pull" && next_ == throw_at_)
      throw std::runtime_error("pull() broke at " + std::to_string(next_));
    ctx_->receive_value(0, value{next_++}, value{});
    std::this_thread::sleep_for(1ms); // paced, so the test sees both incarnations
    return next_ < 50;
  }

private:
  std::shared_ptr<connectors::connector_context> ctx_;
  std::string throw_in_;
  int64_t throw_at_ = -1;
  int64_t next_ = 0;
};

std::unique_ptr<connectors::connector> make_faulty(const connectors::connector_args& args,
                                                   std::string& err) {
  if (seen.built++ > 0 && args.config.get("fail_rebuild")->as_bool()) {
    err = "no second chance";
    return nullptr;
  }
  return std::make_unique<faulty_counter>(args);
}

class recording_sink final : public connectors::connector {
public:
  explicit recording_sink(std::shared_ptr<connectors::connector_context> ctx) : ctx_(std::move(ctx)) {}
  connectors::connector_ports ports() const override { return connectors::sink_ports(); }
  void connect() override { ctx_->connected(); }
  connectors::sink_outcome write(std::string_view, const event& ev,
                                 connectors::serializer&) override {
    int64_t n = 0;
    ev.payload.get_i64(n);
    std::lock_guard<std::mutex> guard(seen.mutex);
    seen.received.push_back(n);
    return connectors::sink_outcome::done;
  }

private:
  std::shared_ptr<connectors::connector_context> ctx_;
};

const connectors::connector_registry& demo_registry() {
  static const connectors::connector_registry r = [] {
    connectors::connector_registry r = connectors::builtin_connectors();
    connectors::connector_descriptor faulty;
    faulty.name = "faulty_counter";
    faulty.summary = "counts, and throws where told";
    faulty.codec = connectors::codec_requirement::structured;
    faulty.config = {
      connectors::required_key("throw_in", connectors::value_types::string, "connect or pull"),
      connectors::optional_key("throw_at", connectors::value_types::integer, -1, "the count"),
      connectors::optional_key("fail_rebuild", connectors::value_types::boolean, false, ""),
    };
    faulty.make = &make_faulty;
    r.add(faulty);
    connectors::connector_descriptor sink;
    sink.name = "recording_sink";
    sink.summary = "keeps what it gets";
    sink.codec = connectors::codec_requirement::structured;
    sink.make = [](const connectors::connector_args& args, std::string&)
      -> std::unique_ptr<connectors::connector> {
      return std::make_unique<recording_sink>(args.context);
    };
    r.add(sink);
    return r;
  }();
  return r;
}

std::string flow_with(const std::string& faulty_config, const std::string& reconnect) {
  return R"(
define flow main
flow
  use tremor::pipelines;
  define connector counter from faulty_counter
  with config = )" + faulty_config + R"(, reconnect = )" + reconnect + R"( end;
  define connector sink from recording_sink;
  create connector counter;
  create connector sink;
  create pipeline pass from pipelines::passthrough;
  connect /connector/counter to /pipeline/pass;
  connect /pipeline/pass to /connector/sink;
end;
deploy flow main;
)";
}

struct running_flow {
  explicit running_flow(const std::string& troy) {
    seen.received.clear();
    seen.built = 0;
    dsl::diagnostics diags;
    dsl::deployment deployment;
    dsl::load_troy_source("supervision.troy", troy, dsl::load_options{}, deployment, diags);
    auto plan = std::make_shared<deployment_plan>();
    plan_options options;
    options.registry = &demo_registry();
    bool ok = !diags.has_errors() && make_plan(deployment, options, *plan, diags);
    INFO(diags.render());
    REQUIRE(ok);
    plan->services = pools.get();
    plan->keep_serving = true;
    cfg.set("logger.verbosity", caf::atom("quiet"));
    sys.emplace(cfg);
    self.emplace(*sys);
    root = sys->spawn(deployer, plan, exit_code);
  }
  ~running_flow() {
    (*self)->send(root, atom::stop_atom_v, false, false);
    (*self)->wait_for(root);
  }

  std::string state_of(const std::string& alias) {
    std::string out;
    (*self)->request(root, 2s, atom::status_atom_v)
      .receive([&](const std::map<std::string, std::string>& s) {
                 if (auto it = s.find(alias); it != s.end())
                   out = it->second;
               },
               [&](const caf::error&) {});
    return out;
  }

  template <class Pred>
  bool wait_until(Pred pred, std::chrono::milliseconds limit = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred())
        return true;
      std::this_thread::sleep_for(10ms);
    }
    return pred();
  }

  io::pools pools{2, 2};
  caf::actor_system_config cfg;
  std::optional<caf::actor_system> sys;
  std::optional<caf::scoped_actor> self;
  deployer_actor root;
  std::shared_ptr<int> exit_code = std::make_shared<int>(0);
};

size_t received() {
  std::lock_guard<std::mutex> guard(seen.mutex);
  return seen.received.size();
}

} // namespace

TEST_SUITE("runtime.supervision") {

TEST_CASE("a connector whose pull() throws is restarted under its reconnect policy") {
  log::set_level(log::level::off);
  running_flow flow(flow_with(R"({"throw_in": "pull", "throw_at": 10})",
                              R"({"retry": {"interval_ms": 10, "randomized": false}})"));
  // The first incarnation counts 0..9 and throws; a fresh one starts at 0
  // again and keeps going.
  CHECK(flow.wait_until([] { return received() >= 25; }));
  CHECK(seen.built >= 2);
  CHECK(flow.wait_until([&] { return flow.state_of("main::counter") == "running"; }));
  std::lock_guard<std::mutex> guard(seen.mutex);
  std::vector<int64_t> first(seen.received.begin(), seen.received.begin() + 10);
  CHECK(first == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(seen.received[10] == 0);
  log::set_level(log::level::info);
}

TEST_CASE("a connector that throws in connect() with no retries left fails its flow") {
  log::set_level(log::level::off);
  running_flow flow(flow_with(R"({"throw_in": "connect"})", R"({"none": null})"));
  CHECK(flow.wait_until([&] { return flow.state_of("main::counter") == "failed"; }));
  CHECK(flow.state_of("main") == "failed");
  CHECK(*flow.exit_code == 1);
  log::set_level(log::level::info);
}

TEST_CASE("a connector that cannot be rebuilt after a fault fails at once") {
  log::set_level(log::level::off);
  running_flow flow(flow_with(R"({"throw_in": "pull", "throw_at": 3, "fail_rebuild": true})",
                              R"({"retry": {"interval_ms": 10}})"));
  CHECK(flow.wait_until([&] { return flow.state_of("main::counter") == "failed"; }));
  CHECK(received() == 3);
  log::set_level(log::level::info);
}

}
