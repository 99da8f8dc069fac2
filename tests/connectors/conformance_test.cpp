#include <doctest/doctest.h>

#include <regex>

#include "connectors/connector.hpp"
#include "tests/connectors/ws/test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;

// Walks every builtin connector, so a new one is covered without extra work.
TEST_SUITE("connectors.conformance") {

TEST_CASE("every builtin connector has a proper name and summary") {
  const std::regex name_rule("[a-z0-9_]+");
  for (const auto& d : builtin_connectors().entries()) {
    CAPTURE(d.name);
    CHECK(std::regex_match(std::string(d.name), name_rule));
    CHECK_FALSE(d.summary.empty());
    CHECK(static_cast<bool>(d.make));
  }
}

TEST_CASE("every builtin connector rejects an unknown config key and names it") {
  for (const auto& d : builtin_connectors().entries()) {
    CAPTURE(d.name);
    connector_args args;
    args.alias = "flow::" + std::string(d.name);
    args.context = std::make_shared<ws::testing::fake_context>();
    args.config = value{record{{"definitely_not_a_key", 1}}};
    std::string err;
    auto impl = make_connector(d, args, err);
    CHECK(impl == nullptr);
    CHECK(err.find("definitely_not_a_key") != std::string::npos);
  }
}

TEST_CASE("an unknown connector type gets a did-you-mean") {
  CHECK(builtin_connectors().find("ws_clinet") == nullptr);
  CHECK(builtin_connectors().hint_for("ws_clinet").find("did you mean `ws_client`?") == 0);
}

}
