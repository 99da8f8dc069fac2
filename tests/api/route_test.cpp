#include <doctest/doctest.h>

#include "runtime/api/route.hpp"

using namespace temblor::api;

namespace {

route must_match(const char* method, const char* target) {
  route r;
  route_error err;
  bool ok = match_route(method, target, r, err);
  INFO(method << " " << target << ": " << err.message);
  REQUIRE(ok);
  return r;
}

route_error must_fail(const char* method, const char* target) {
  route r;
  route_error err;
  REQUIRE_FALSE(match_route(method, target, r, err));
  return err;
}

} // namespace

TEST_SUITE("api.route") {

TEST_CASE("Tremor's /v1 routes name their endpoint, flow and connector") {
  CHECK(must_match("GET", "/v1/version").what == endpoint::version);
  CHECK(must_match("GET", "/v1/status").what == endpoint::status);
  CHECK(must_match("GET", "/v1/flows").what == endpoint::flows);
  auto flow = must_match("GET", "/v1/flows/main");
  CHECK(flow.what == endpoint::flow);
  CHECK(flow.flow == "main");
  CHECK(must_match("GET", "/v1/flows/main/connectors").what == endpoint::flow_connectors);
  auto c = must_match("GET", "/v1/flows/main/connectors/in");
  CHECK(c.what == endpoint::connector);
  CHECK(c.flow == "main");
  CHECK(c.connector == "in");
  CHECK_FALSE(c.patch);
}

TEST_CASE("the process's own pages: /, /metrics, /v1/stats and a flow's graph") {
  CHECK(must_match("GET", "/").what == endpoint::page);
  CHECK(must_match("GET", "/metrics").what == endpoint::metrics);
  CHECK(must_match("GET", "/v1/stats").what == endpoint::stats);
  auto g = must_match("GET", "/v1/flows/main/graph.svg");
  CHECK(g.what == endpoint::flow_graph);
  CHECK(g.flow == "main");
}

TEST_CASE("a query string and a trailing slash do not change the route, HEAD reads like GET") {
  CHECK(must_match("GET", "/v1/flows/?pretty=1").what == endpoint::flows);
  CHECK(must_match("HEAD", "/metrics?x").what == endpoint::metrics);
}

TEST_CASE("percent-encoded aliases are decoded, a broken escape stays as written") {
  CHECK(must_match("GET", "/v1/flows/my%20flow").flow == "my flow");
  CHECK(must_match("GET", "/v1/flows/a%2").flow == "a%2");
  CHECK(must_match("GET", "/v1/flows/a%zz/connectors/b%41").connector == "bA");
}

TEST_CASE("PATCH is allowed on a flow and on a connector only") {
  CHECK(must_match("PATCH", "/v1/flows/main").patch);
  CHECK(must_match("PATCH", "/v1/flows/main/connectors/in").patch);
  auto err = must_fail("PATCH", "/v1/flows");
  CHECK(err.status == 405);
  CHECK(err.allow == "GET, HEAD");
  err = must_fail("DELETE", "/v1/flows/main");
  CHECK(err.status == 405);
  CHECK(err.allow == "GET, HEAD, PATCH");
  CHECK(err.message.find("DELETE") != std::string::npos);
  CHECK(must_fail("POST", "/metrics").status == 405);
}

TEST_CASE("unknown paths are 404 naming the path") {
  auto err = must_fail("GET", "/v2/flows");
  CHECK(err.status == 404);
  CHECK(err.message == "Not found: /v2/flows");
  CHECK(must_fail("GET", "/v1").status == 404);
  CHECK(must_fail("GET", "/v1/flows/main/pipelines").status == 404);
  CHECK(must_fail("GET", "/v1/flows/main/connectors/in/extra").status == 404);
  CHECK(must_fail("PATCH", "/nope").status == 404);
}

}
