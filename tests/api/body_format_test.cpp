#include <doctest/doctest.h>

#include "runtime/api/body_format.hpp"

using namespace temblor;
using namespace temblor::api;

TEST_SUITE("api.body_format") {

TEST_CASE("Accept picks YAML only when a YAML type is preferred over JSON") {
  std::string s;
  CHECK(response_format(nullptr) == body_format::json);
  CHECK(response_format(&(s = "*/*")) == body_format::json);
  CHECK(response_format(&(s = "application/yaml")) == body_format::yaml);
  CHECK(response_format(&(s = "application/x-yaml")) == body_format::yaml);
  CHECK(response_format(&(s = "Text/YAML")) == body_format::yaml);
  CHECK(response_format(&(s = "application/json, application/yaml;q=0.5")) == body_format::json);
  CHECK(response_format(&(s = "application/json;q=0.2, application/yaml")) == body_format::yaml);
  CHECK(response_format(&(s = "application/yaml;q=0")) == body_format::json);
  CHECK(response_format(&(s = "text/html,application/xhtml+xml")) == body_format::json);
}

TEST_CASE("request bodies follow their Content-Type") {
  std::string s;
  CHECK(request_format(nullptr) == body_format::json);
  CHECK(request_format(&(s = "application/yaml; charset=utf-8")) == body_format::yaml);
  CHECK(request_format(&(s = "application/json")) == body_format::json);
}

TEST_CASE("bodies render as JSON or YAML and parse back") {
  value v{record{{"alias", "main"}, {"connectors", value{array{value{"in"}, value{"out"}}}}}};
  CHECK(render(v, body_format::json) == "{\"alias\":\"main\",\"connectors\":[\"in\",\"out\"]}\n");
  CHECK(render(v, body_format::yaml) == "alias: main\nconnectors:\n- in\n- out\n");
  value back;
  std::string err;
  REQUIRE(parse_body("status: paused\n", body_format::yaml, back, err));
  CHECK(back == value{record{{"status", "paused"}}});
  CHECK_FALSE(parse_body("{\"status\":", body_format::json, back, err));
  CHECK_FALSE(err.empty());
}

}
