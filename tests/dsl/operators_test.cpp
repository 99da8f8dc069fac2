// grouper::bucket and debug::history, fed events directly the way the
// pipeline runner feeds them.

#include <doctest/doctest.h>

#include "dsl/bucket_operator.hpp"
#include "dsl/json_text.hpp"
#include "dsl_test_support.hpp"

using namespace temblor;
using namespace temblor::dsl;
using namespace temblor::dsl::test;

namespace {

constexpr uint64_t ms = 1000000ULL;

// An event whose metadata is `meta_json`, ingested at `t` ns.
event tagged(const std::string& meta_json, uint64_t t = 1) {
  value meta;
  std::string err;
  REQUIRE_MESSAGE(from_json(meta_json, meta, err), err);
  event ev = make_event(value(1), meta);
  ev.ingest_ns = t;
  return ev;
}

// Sends `ev` through `op`; returns the port it left by.
std::string route(op_impl& op, event ev) {
  std::string port;
  op.on_event("in", std::move(ev), [&](const std::string& p, event) { port = p; });
  return port;
}

} // namespace

TEST_SUITE("dsl.operators") {

TEST_CASE("grouper::bucket sends events without a class, or a new class without a rate, to err") {
  auto op = make_bucket_operator();
  CHECK(route(*op, tagged(R"({"rate": 1})")) == "err");
  CHECK(route(*op, tagged(R"({"class": 7, "rate": 1})")) == "err");
  CHECK(route(*op, tagged(R"({"class": "a"})")) == "err");
  CHECK(route(*op, tagged(R"({"class": "a", "rate": 1})")) == "out");
  // Once the class exists, its limits are known: no rate needed.
  CHECK(route(*op, tagged(R"({"class": "a"})")) == "overflow");
}

TEST_CASE("grouper::bucket takes a class's limits from its first event") {
  auto op = make_bucket_operator();
  CHECK(route(*op, tagged(R"({"class": "a", "rate": 1})")) == "out");
  CHECK(route(*op, tagged(R"({"class": "a", "rate": 5})")) == "overflow");
  CHECK(route(*op, tagged(R"({"class": "b", "rate": 2})")) == "out");
  CHECK(route(*op, tagged(R"({"class": "b", "rate": 2})")) == "out");
  CHECK(route(*op, tagged(R"({"class": "b", "rate": 2})")) == "overflow");
}

TEST_CASE("grouper::bucket limits each value of $dimensions apart, whatever its type") {
  auto op = make_bucket_operator();
  for (const char* dims : {R"({"host": "x"})", R"({"host": "y"})", "[1, 2]", "[2, 1]", "3", "null"})
    CHECK(route(*op, tagged(std::string(R"({"class": "c", "rate": 1, "dimensions": )") + dims + "}")) ==
          "out");
  CHECK(route(*op, tagged(R"({"class": "c", "dimensions": {"host": "x"}})")) == "overflow");
  CHECK(route(*op, tagged(R"({"class": "c", "dimensions": [1, 2]})")) == "overflow");
  // No $dimensions is the null dimension.
  CHECK(route(*op, tagged(R"({"class": "c"})")) == "overflow");
}

TEST_CASE("grouper::bucket forgets the least recently seen dimension beyond $cardinality") {
  auto op = make_bucket_operator();
  auto send = [&](const char* dim) {
    return route(*op, tagged(std::string(R"({"class": "c", "rate": 1, "cardinality": 2, "dimensions": ")") +
                             dim + "\"}"));
  };
  CHECK(send("a") == "out");
  CHECK(send("b") == "out");
  CHECK(send("a") == "overflow"); // a is now the most recently seen
  CHECK(send("c") == "out");      // evicts b, not a
  CHECK(send("a") == "overflow");
  CHECK(send("b") == "out"); // b starts afresh (and evicts c)
  CHECK(send("c") == "out");
}

TEST_CASE("grouper::bucket slides its window by $time_range / $windows") {
  auto op = make_bucket_operator();
  auto at = [&](uint64_t t) {
    return route(*op, tagged(R"({"class": "c", "rate": 2, "time_range": 1000, "windows": 10})", t));
  };
  uint64_t base = 1000 * 1000 * ms; // slice boundaries fall on multiples of 100 ms
  CHECK(at(base) == "out");
  CHECK(at(base + 50 * ms) == "out");
  CHECK(at(base + 60 * ms) == "overflow");
  CHECK(at(base + 999 * ms) == "overflow"); // the first slice is still in the window
  CHECK(at(base + 1000 * ms) == "out");     // now it slid out
}

TEST_CASE("debug::history appends the operator and the event id to $<name>") {
  std::string err;
  record cfg;
  cfg.set("op", value("seen"));
  cfg.set("name", value("trail"));
  auto op = make_operator("debug::history", value(std::move(cfg)), err);
  REQUIRE(op);
  event ev = make_event(value(1));
  ev.id = event_id(3, 1, 7);
  value meta;
  op->on_event("in", std::move(ev), [&](const std::string&, event e) { meta = e.meta; });
  CHECK(to_json(meta) == R"x({"trail":["evt: seen(3:1:7:7)"]})x");
}

}
