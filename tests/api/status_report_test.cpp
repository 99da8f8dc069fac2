#include <doctest/doctest.h>

#include "codecs/json.hpp"
#include "runtime/api/status_report.hpp"

using namespace temblor;
using namespace temblor::api;

namespace {

value parse(const std::string& json) {
  value v;
  std::string err;
  REQUIRE_MESSAGE(codecs::json_decode(json, v, err), err);
  return v;
}

// The documents of a process with one flow (a source, a pipeline, a sink),
// taken at `seconds` with the given counts.
api_documents documents(double seconds, uint64_t read, uint64_t piped, uint64_t written) {
  api_documents d;
  d.status = parse(R"({"all_running": true, "num_flows": 1, "flows": {"running": 1}})");
  d.flows = parse(R"([{"alias": "main", "status": "running", "connectors": ["in", "out"]}])");
  d.connectors["main"] = parse(R"([
    {"alias": "in", "status": "running", "connectivity": "connected", "pipelines": {}},
    {"alias": "out", "status": "paused", "connectivity": "disconnected", "pipelines": {}}])");
  d.stats = parse(R"({"instance": "edge-1", "time_ns": )" +
                  std::to_string(static_cast<uint64_t>(seconds * 1e9)) + R"(, "stages": [
    {"flow": "main", "alias": "in", "kind": "connector", "type": "tcp_server",
     "in": {}, "out": {"out": )" + std::to_string(read) + R"(, "err": 2},
     "errors": 2, "dropped": 0, "reconnects": 3},
    {"flow": "main", "alias": "pass", "kind": "pipeline", "type": "",
     "in": {"in": )" + std::to_string(piped) + R"(}, "out": {"out": )" + std::to_string(piped) + R"(},
     "errors": 0, "dropped": 1},
    {"flow": "main", "alias": "out", "kind": "connector", "type": "file",
     "in": {"in": )" + std::to_string(written) + R"(}, "out": {},
     "errors": 0, "dropped": 0, "reconnects": 0}]})");
  return d;
}

status_report report_of(const api_documents& d) {
  status_report r;
  std::string err;
  REQUIRE_MESSAGE(build_report(d, r, err), err);
  return r;
}

} // namespace

TEST_CASE("status report: joins the flows, each connector's state and the stage counters") {
  auto r = report_of(documents(1, 100, 98, 97));
  CHECK(r.instance == "edge-1");
  CHECK(r.healthy);
  CHECK(r.num_flows == 1);
  CHECK(r.flows == std::vector<std::pair<std::string, std::string>>{{"main", "running"}});
  REQUIRE(r.connectors.size() == 2);
  CHECK(r.connectors[0].alias == "in");
  CHECK(r.connectors[0].type == "tcp_server");
  CHECK(r.connectors[0].connectivity == "connected");
  CHECK(r.connectors[0].out == 102);  // every output port counts as read
  CHECK(r.connectors[0].reconnects == 3);
  CHECK(r.connectors[1].status == "paused");
  CHECK(r.connectors[1].in == 97);
  REQUIRE(r.pipelines.size() == 1);
  CHECK(r.pipelines[0].dropped == 1);
  CHECK(r.connectors[0].out_rate == no_rate);
}

TEST_CASE("status report: rates are events per second between two reports") {
  auto before = report_of(documents(10, 100, 100, 100));
  auto now = report_of(documents(12, 300, 200, 150));
  add_rates(now, before);
  CHECK(now.connectors[0].out_rate == doctest::Approx(100));  // 200 more reads in 2 s
  CHECK(now.connectors[1].in_rate == doctest::Approx(25));
  CHECK(now.pipelines[0].in_rate == doctest::Approx(50));

  // A restarted process (counts went back) shows no rate rather than a negative one.
  auto restarted = report_of(documents(13, 5, 5, 5));
  add_rates(restarted, now);
  CHECK(restarted.connectors[0].out_rate == no_rate);
}

TEST_CASE("status report: the table names every flow, connector and pipeline, aligned") {
  auto before = report_of(documents(10, 100, 100, 100));
  auto now = report_of(documents(12, 300, 200, 150));
  add_rates(now, before);
  std::string text = render_report(now, "127.0.0.1:9898");
  CHECK(text.find("instance edge-1  api 127.0.0.1:9898  flows 1 (1 running)\n") == 0);
  CHECK(text.find("\nflow main  running\n") != std::string::npos);
  CHECK(text.find("  connector  type        status   connectivity  read/s  written/s  read  written  errors"
                  "  dropped  reconnects\n") != std::string::npos);
  CHECK(text.find("  in         tcp_server  running  connected      100.0        0.0   302        0       2"
                  "        0           3\n") != std::string::npos);
  CHECK(text.find("  out        file        paused   disconnected     0.0       25.0     0      150") !=
        std::string::npos);
  CHECK(text.find("  pipeline  in/s  out/s   in  out  errors  dropped\n  pass      50.0   50.0  200  200       0        1\n") != std::string::npos);
  CHECK(text.find("UNHEALTHY") == std::string::npos);
}

TEST_CASE("status report: a failed process says so, malformed documents are errors") {
  auto d = documents(1, 1, 1, 1);
  d.status_code = 503;
  auto r = report_of(d);
  CHECK_FALSE(r.healthy);
  CHECK(render_report(r, "x").find("UNHEALTHY") != std::string::npos);

  status_report out;
  std::string err;
  d.stats = parse(R"({"instance": "x"})");
  CHECK_FALSE(build_report(d, out, err));
  CHECK(err == "/v1/stats has no stages");
  d = documents(1, 1, 1, 1);
  d.flows = parse("{}");
  CHECK_FALSE(build_report(d, out, err));
  CHECK(err == "/v1/flows is not a list");
}
