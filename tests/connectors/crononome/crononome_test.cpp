#include <doctest/doctest.h>

#include "connectors/crononome/crononome.hpp"
#include "tests/connectors/recording_context.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::testing;

namespace {

value entry(std::string name, std::string expr, value payload = value{}) {
  record r{{"name", std::move(name)}, {"expr", std::move(expr)}};
  if (!payload.is_null())
    r.set("payload", std::move(payload));
  return value{std::move(r)};
}

value config_of(array entries) { return value{record{{"entries", std::move(entries)}}}; }

std::string load_error(value config) {
  auto ctx = std::make_shared<recording_context>();
  std::string err;
  auto c = ws::testing::make_connector(crononome::crononome_descriptor(), std::move(config), ctx, 3,
                                       err);
  CHECK(c == nullptr);
  return err;
}

struct running_crononome {
  explicit running_crononome(value config) {
    std::string err;
    conn = ws::testing::make_connector(crononome::crononome_descriptor(), std::move(config), ctx,
                                       3, err);
    REQUIRE_MESSAGE(conn, err);
    conn->start(ws::testing::test_start(false, true));
    conn->connect();
    REQUIRE(ctx->wait_connect_outcome());
  }
  ~running_crononome() { conn->stop(); }

  std::shared_ptr<recording_context> ctx = std::make_shared<recording_context>();
  std::unique_ptr<connector> conn;
};

} // namespace

TEST_SUITE("connectors.crononome") {

TEST_CASE("crononome: a bad expression fails the load naming the entry") {
  auto err = load_error(config_of({entry("ok", "* * * * * *"), entry("nightly", "0 0 25 * * *")}));
  CHECK(err.find("`entries[1]` (`nightly`): invalid cron expression `0 0 25 * * *`") !=
        std::string::npos);
  CHECK(err.find("hours") != std::string::npos);
}

TEST_CASE("crononome: entries need a name and an expr and take no other keys") {
  CHECK(load_error(config_of({value{record{{"expr", "* * * * * *"}}}}))
          .find("`entries[0]` needs a `name`") != std::string::npos);
  CHECK(load_error(config_of({value{record{{"name", "x"}}}}))
          .find("`entries[0]` (`x`) needs an `expr`") != std::string::npos);
  CHECK(load_error(config_of({value{record{{"name", "x"}, {"exp", "* * * * * *"}}}}))
          .find("unknown key `exp`") != std::string::npos);
  CHECK(load_error(config_of({value{"* * * * * *"}})).find("must be a record") !=
        std::string::npos);
  CHECK(load_error(value{record{{"entries", "x"}}}).find("`config.entries` must be an array") !=
        std::string::npos);
}

TEST_CASE("crononome: an every-second entry fires twice with Tremor's payload and meta") {
  running_crononome c(config_of({entry("tick", "* * * * * *", value{record{{"n", 1}}})}));
  c.conn->resume();
  for (uint64_t id = 0; id < 2; ++id) {
    produced p;
    REQUIRE(c.ctx->pop_value(p, 5s));
    CHECK(p.port == "out");
    CHECK(p.stream == 0);
    REQUIRE(p.payload.is_record());
    CHECK(*p.payload.get("connector") == value("crononome"));
    uint64_t got = 99;
    CHECK(p.payload.get("id")->get_u64(got));
    CHECK(got == id);
    uint64_t ingest = 0;
    CHECK(p.payload.get("ingest_ns")->get_u64(ingest));
    CHECK(ingest > 0);
    value trigger{record{{"name", "tick"}, {"payload", value{record{{"n", 1}}}}}};
    CHECK(*p.payload.get("trigger") == trigger);
    CHECK(p.meta == value{record{{"crononome", value{record{{"trigger", trigger}}}}}});
  }
}

TEST_CASE("crononome: a trigger without payload has no payload key") {
  running_crononome c(config_of({entry("bare", "* * * * * *")}));
  c.conn->resume();
  produced p;
  REQUIRE(c.ctx->pop_value(p, 5s));
  CHECK(*p.payload.get("trigger") == value{record{{"name", "bare"}}});
}

TEST_CASE("crononome: nothing fires before resume or while paused, a held trigger comes on resume") {
  running_crononome c(config_of({entry("tick", "* * * * * *")}));
  // A push source produces nothing before the first resume.
  CHECK_FALSE(c.ctx->wait([&] { return !c.ctx->values.empty(); }, 1500ms));
  c.conn->resume();
  produced p;
  REQUIRE(c.ctx->pop_value(p, 5s));
  c.conn->pause();
  // Paused across at least two whole seconds: nothing comes out.
  CHECK_FALSE(c.ctx->wait([&] { return !c.ctx->values.empty(); }, 2200ms));
  c.conn->resume();
  REQUIRE(c.ctx->pop_value(p, 300ms));
  uint64_t id = 0;
  p.payload.get("id")->get_u64(id);
  CHECK(id == 1);
}

}
