#include <doctest/doctest.h>

#include <optional>

#include "codecs/json.hpp"
#include "runtime/api/api_service.hpp"

using namespace temblor;
using namespace temblor::api;
using temblor::connectors::http::http_request;

namespace {

/// A deployer that answers at once from a view it keeps, and records calls.
struct fake_deployer : deployer_link {
  value view;
  bool answers = true;
  std::vector<std::string> calls;

  void describe(std::function<void(std::optional<value>)> done) override {
    calls.push_back("describe");
    done(answers ? std::optional<value>(view) : std::nullopt);
  }
  void set_paused(const std::string& flow, const std::string& connector, bool pause,
                  std::function<void(std::optional<bool>)> done) override {
    calls.push_back(std::string(pause ? "pause " : "resume ") + flow + "/" + connector);
    for (auto& f : view.get("flows")->as_array())
      if (f.get("alias")->as_string() == flow)
        f.set("status", pause ? "paused" : "running");
    done(true);
  }
};

value parse(const std::string& json) {
  value v;
  std::string err;
  REQUIRE_MESSAGE(codecs::json_decode(json, v, err), err << " in " << json);
  return v;
}

struct fixture {
  std::shared_ptr<fake_deployer> deployer = std::make_shared<fake_deployer>();
  api_service service{service_settings{}};

  fixture() {
    deployer->view = parse(R"({"flows": [{"alias": "main", "status": "running", "connectors": [
      {"alias": "in", "type": "metronome", "status": "running", "connectivity": "connected", "pipelines": {}}]}]})");
    service.set_link(deployer);
  }

  http_reply call(const char* method, const char* target, std::string body = "",
                  const char* content_type = nullptr) {
    http_request req;
    req.method = method;
    req.target = target;
    req.body = std::move(body);
    if (content_type)
      req.headers.push_back({"content-type", content_type});
    std::optional<http_reply> got;
    int answers = 0;
    service.handle(req, [&](http_reply r) {
      got = std::move(r);
      ++answers;
    });
    REQUIRE(answers == 1);
    return *got;
  }
};

} // namespace

TEST_SUITE("api.service") {

TEST_CASE_FIXTURE(fixture, "PATCH pauses through the deployer and answers the flow as it is now") {
  auto r = call("PATCH", "/v1/flows/main", R"({"status": "paused"})");
  CHECK(r.status == 200);
  CHECK(parse(r.body) == parse(R"({"alias":"main","status":"paused","connectors":["in"]})"));
  CHECK(deployer->calls == std::vector<std::string>{"describe", "pause main/", "describe"});
}

TEST_CASE_FIXTURE(fixture, "PATCH of a connector names it, a YAML body works like JSON") {
  auto r = call("PATCH", "/v1/flows/main/connectors/in", "status: paused\n", "application/yaml");
  CHECK(r.status == 200);
  CHECK(deployer->calls[1] == "pause main/in");
}

TEST_CASE_FIXTURE(fixture, "PATCH to the state it is in changes nothing") {
  auto r = call("PATCH", "/v1/flows/main", R"({"status": "running"})");
  CHECK(r.status == 200);
  CHECK(deployer->calls == std::vector<std::string>{"describe"});
}

TEST_CASE_FIXTURE(fixture, "bad PATCH bodies are 400 and never reach the deployer") {
  for (const char* body : {"", "{", "[]", R"({"status": "stopped"})", R"({"status": true})"}) {
    deployer->calls.clear();
    auto r = call("PATCH", "/v1/flows/main", body);
    INFO(body);
    CHECK(r.status == 400);
    CHECK(parse(r.body).get("error") != nullptr);
    for (const auto& c : deployer->calls)
      CHECK(c == "describe");
  }
}

TEST_CASE_FIXTURE(fixture, "PATCH of an unknown flow or connector is 404") {
  CHECK(call("PATCH", "/v1/flows/nope", R"({"status": "paused"})").status == 404);
  CHECK(call("PATCH", "/v1/flows/main/connectors/nope", R"({"status": "paused"})").status == 404);
  CHECK(deployer->calls.size() == 2); // two describes, no pause
}

TEST_CASE_FIXTURE(fixture, "a deployer that does not answer gives 503, not a hang") {
  deployer->answers = false;
  auto r = call("GET", "/v1/flows");
  CHECK(r.status == 503);
  CHECK(parse(r.body).get("error") != nullptr);
}

TEST_CASE("before the deployer is attached, flow routes answer 503 and /v1/version works") {
  api_service service{service_settings{}};
  http_request req;
  req.method = "GET";
  req.target = "/v1/status";
  unsigned status = 0;
  service.handle(req, [&](http_reply r) { status = r.status; });
  CHECK(status == 503);
  req.target = "/v1/version";
  service.handle(req, [&](http_reply r) { status = r.status; });
  CHECK(status == 200);
}

TEST_CASE_FIXTURE(fixture, "405 carries an Allow header, errors are JSON or YAML as asked") {
  auto r = call("POST", "/v1/flows/main");
  CHECK(r.status == 405);
  bool allow = false;
  for (const auto& h : r.headers)
    allow = allow || (h.name == "allow" && h.value == "GET, HEAD, PATCH");
  CHECK(allow);

  http_request req;
  req.method = "GET";
  req.target = "/v1/flows/nope";
  req.headers.push_back({"accept", "application/yaml"});
  http_reply got;
  service.handle(req, [&](http_reply x) { got = std::move(x); });
  CHECK(got.status == 404);
  CHECK(got.body == "error: Flow \"nope\" not found\n");
}

TEST_CASE_FIXTURE(fixture, "the page, the metrics and a flow's graph come without the deployer") {
  service_settings settings;
  flow_graph g;
  g.flow = "main";
  g.nodes = {{"in", "metronome", true}};
  settings.graphs = {g};
  api_service own{settings};
  http_request req;
  req.method = "GET";
  http_reply got;
  for (const char* target : {"/", "/metrics", "/v1/flows/main/graph.svg", "/v1/stats"}) {
    req.target = target;
    own.handle(req, [&](http_reply x) { got = std::move(x); });
    INFO(target);
    CHECK(got.status == 200);
  }
  req.target = "/v1/flows/other/graph.svg";
  own.handle(req, [&](http_reply x) { got = std::move(x); });
  CHECK(got.status == 404);
}

}
