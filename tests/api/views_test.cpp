#include <doctest/doctest.h>

#include "codecs/json.hpp"
#include "runtime/api/patch.hpp"
#include "runtime/api/views.hpp"

using namespace temblor;
using namespace temblor::api;

namespace {

value parse(const char* json) {
  value v;
  std::string err;
  REQUIRE_MESSAGE(codecs::json_decode(json, v, err), err);
  return v;
}

std::string json(const value& v) { return codecs::json_to_string(v); }

// What the deployer answers to get_atom (deployer_state::describe()).
value view_with(const char* main_status, const char* side_status) {
  std::string text = std::string(R"({"flows": [
    {"alias": "main", "status": ")") + main_status + R"(", "connectors": [
      {"alias": "in", "type": "ws_server", "status": "running", "connectivity": "connected",
       "pipelines": {"out": [{"alias": "echo", "port": "in"}]}},
      {"alias": "out", "type": "file", "status": "running", "connectivity": "disconnected", "pipelines": {}}]},
    {"alias": "side", "status": ")" + side_status + R"(", "connectors": []}]})";
  return parse(text.c_str());
}

} // namespace

TEST_SUITE("api.views") {

TEST_CASE("GET /v1/status counts flows by state and is 200 while none is failed or stopped") {
  auto r = status_reply(view_with("running", "running"));
  CHECK(r.status == 200);
  CHECK(json(r.body) == R"({"all_running":true,"num_flows":2,"flows":{"running":2}})");

  r = status_reply(view_with("paused", "initializing"));
  CHECK(r.status == 200);
  CHECK(json(r.body) == R"({"all_running":false,"num_flows":2,"flows":{"initializing":1,"paused":1}})");

  CHECK(status_reply(view_with("running", "failed")).status == 503);
  CHECK(status_reply(view_with("stopped", "running")).status == 503);
  CHECK(status_reply(view_with("draining", "running")).status == 503);
}

TEST_CASE("no flows at all: all running, 200") {
  auto r = status_reply(parse(R"({"flows": []})"));
  CHECK(r.status == 200);
  CHECK(json(r.body) == R"({"all_running":true,"num_flows":0,"flows":{}})");
}

TEST_CASE("flows and a flow list their connectors by alias, as Tremor's reports do") {
  auto view = view_with("running", "paused");
  auto r = flows_reply(view);
  CHECK(r.status == 200);
  CHECK(json(r.body) == R"([{"alias":"main","status":"running","connectors":["in","out"]},)"
                        R"({"alias":"side","status":"paused","connectors":[]}])");
  r = flow_reply(view, "side");
  CHECK(r.status == 200);
  CHECK(json(r.body) == R"({"alias":"side","status":"paused","connectors":[]})");
}

TEST_CASE("a connector report has alias, status, connectivity and pipelines per port, no type") {
  auto view = view_with("running", "running");
  auto r = connector_reply(view, "main", "in");
  CHECK(r.status == 200);
  CHECK(json(r.body) == R"({"alias":"in","status":"running","connectivity":"connected",)"
                        R"("pipelines":{"out":[{"alias":"echo","port":"in"}]}})");
  r = connectors_reply(view, "main");
  REQUIRE(r.body.is_array());
  CHECK(r.body.as_array().size() == 2);
  CHECK(json(r.body.as_array()[1]) ==
        R"({"alias":"out","status":"running","connectivity":"disconnected","pipelines":{}})");
}

TEST_CASE("unknown flows and connectors are 404 with a JSON error naming them") {
  auto view = view_with("running", "running");
  auto r = flow_reply(view, "nope");
  CHECK(r.status == 404);
  CHECK(json(r.body) == R"({"error":"Flow \"nope\" not found"})");
  CHECK(connectors_reply(view, "nope").status == 404);
  CHECK(connector_reply(view, "nope", "in").status == 404);
  r = connector_reply(view, "main", "gone");
  CHECK(r.status == 404);
  CHECK(json(r.body) == R"({"error":"Connector \"gone\" not found in flow \"main\""})");
}

TEST_CASE("PATCH: running <-> paused change, the same state is a no-op, anything else is 400") {
  patch_action action;
  reply err;
  CHECK(plan_patch(parse(R"({"status":"paused"})"), "flow main", "running", action, err));
  CHECK(action == patch_action::pause);
  CHECK(plan_patch(parse(R"({"status":"running"})"), "flow main", "paused", action, err));
  CHECK(action == patch_action::resume);
  CHECK(plan_patch(parse(R"({"status":"paused"})"), "flow main", "paused", action, err));
  CHECK(action == patch_action::none);

  CHECK_FALSE(plan_patch(parse(R"({"status":"running"})"), "flow main", "failed", action, err));
  CHECK(err.status == 400);
  CHECK(json(err.body) == R"({"error":"Cannot patch status of flow main from failed to running"})");
  CHECK_FALSE(plan_patch(parse(R"({"status":"stopped"})"), "flow main", "running", action, err));
  CHECK(err.status == 400);
  CHECK_FALSE(plan_patch(parse(R"({"state":"paused"})"), "flow main", "running", action, err));
  CHECK_FALSE(plan_patch(parse(R"(["paused"])"), "flow main", "running", action, err));
  CHECK_FALSE(plan_patch(parse(R"({"status":1})"), "flow main", "running", action, err));
}

}
