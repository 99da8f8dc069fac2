#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "runtime/api/prometheus_text.hpp"

using namespace temblor;
using namespace temblor::api;

namespace {

exposition_input sample_input() {
  exposition_input in;
  in.instance = "edge-1";
  in.version = "0.1.0";
  auto c = std::make_shared<stage_stats>(stage_stats::kind::connector, "main::ws\"in", "main", "ws_server",
                                         std::vector<std::string>{"in"},
                                         std::vector<std::string>{"out", "err"});
  c->count_out("out", 42);
  c->count_in("in", 40);
  c->errors = 3;
  c->connected = 1;
  c->named().get("connections") += 7;
  auto p = std::make_shared<stage_stats>(stage_stats::kind::pipeline, "main::echo", "main", "pipeline",
                                         std::vector<std::string>{"in"},
                                         std::vector<std::string>{"out", "err"});
  p->count_in("in", 42);
  p->count_out("out", 41);
  p->count_out("mystery", 1); // an undeclared port counts under "other"
  in.stages = {c, p};
  in.api_counters = {{"requests", 5}};
  return in;
}

} // namespace

TEST_SUITE("api.prometheus") {

TEST_CASE("every counter appears with instance, flow and stage labels") {
  auto text = prometheus_text(sample_input());
  CHECK(text.find(R"(temblor_connector_events_total{instance="edge-1",flow="main",connector="ws\"in",)"
                  R"(type="ws_server",direction="out",port="out"} 42)") != std::string::npos);
  CHECK(text.find(R"(direction="in",port="in"} 40)") != std::string::npos);
  CHECK(text.find(R"(temblor_connector_errors_total{instance="edge-1",flow="main",connector="ws\"in",)"
                  R"(type="ws_server"} 3)") != std::string::npos);
  CHECK(text.find(R"(temblor_connector_connected{instance="edge-1",flow="main",connector="ws\"in",)"
                  R"(type="ws_server"} 1)") != std::string::npos);
  CHECK(text.find(R"(counter="connections"} 7)") != std::string::npos);
  CHECK(text.find(R"(temblor_pipeline_events_total{instance="edge-1",flow="main",pipeline="echo",)"
                  R"(direction="out",port="out"} 41)") != std::string::npos);
  CHECK(text.find(R"(temblor_api_counter_total{instance="edge-1",counter="requests"} 5)") !=
        std::string::npos);
  CHECK(text.find(R"(temblor_build_info{instance="edge-1",version="0.1.0"} 1)") != std::string::npos);
}

TEST_CASE("the catch-all port shows only once something counted on it") {
  auto text = prometheus_text(sample_input());
  CHECK(text.find(R"(pipeline="echo",direction="out",port="other"} 1)") != std::string::npos);
  CHECK(text.find(R"(connector="ws\"in",type="ws_server",direction="out",port="other")") == std::string::npos);
}

TEST_CASE("each family's HELP and TYPE come once, before all of its samples") {
  auto text = prometheus_text(sample_input());
  std::istringstream lines(text);
  std::string line, current;
  std::set<std::string> finished;
  while (std::getline(lines, line)) {
    REQUIRE_FALSE(line.empty());
    if (line.rfind("# HELP ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      CHECK_MESSAGE(finished.insert(name).second, "family twice: " << name);
      current = name;
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      CHECK(line.rfind("# TYPE " + current + " ", 0) == 0);
      continue;
    }
    CHECK_MESSAGE(line.rfind(current + "{", 0) == 0, "sample outside its family: " << line);
  }
}

TEST_CASE("label values escape backslash, quote and newline") {
  exposition_input in;
  in.instance = "a\\b\"c\nd";
  auto text = prometheus_text(in);
  CHECK(text.find(R"(instance="a\\b\"c\nd")") != std::string::npos);
}

}
