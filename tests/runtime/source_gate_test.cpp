#include <doctest/doctest.h>

#include "runtime/connector/source_gate.hpp"

using namespace temblor;

TEST_SUITE("runtime.source_gate") {

TEST_CASE("a source reads only when linked, connected and every sink restored") {
  source_gate gate;
  gate.expect_sinks({7, 9});
  gate.set_linked(true);
  gate.set_connected(true);
  CHECK_FALSE(gate.open());
  gate.restore(7);
  CHECK_FALSE(gate.open());
  gate.restore(9);
  CHECK(gate.open());
  gate.trigger(9);
  CHECK_FALSE(gate.open());
  gate.restore(9);
  gate.set_paused(true);
  CHECK_FALSE(gate.open());
  gate.set_paused(false);
  gate.set_connected(false);
  CHECK_FALSE(gate.open());
}

TEST_CASE("an unlinked source never reads") {
  source_gate gate;
  gate.set_connected(true);
  CHECK_FALSE(gate.open());
}

}
