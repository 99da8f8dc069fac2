#include <doctest/doctest.h>

#include <string>

#include "connectors/udp/datagram_queue.hpp"

using temblor::connectors::udp::datagram_queue;

TEST_SUITE("connectors.udp") {

TEST_CASE("datagram_queue: first in, first out, with the bytes accounted per datagram") {
  datagram_queue q(1 << 20);
  CHECK(q.empty());
  q.push("one");
  q.push("");
  q.push(std::string(1000, 'x'));
  CHECK(q.size() == 3);
  CHECK(q.bytes() == 3 + 0 + 1000 + 3 * datagram_queue::overhead_per_datagram);
  CHECK(q.pop() == "one");
  CHECK(q.pop().empty());
  CHECK(q.bytes() == 1000 + datagram_queue::overhead_per_datagram);
  CHECK(q.pop() == std::string(1000, 'x'));
  CHECK(q.empty());
  CHECK(q.bytes() == 0);
}

TEST_CASE("datagram_queue: has no room once its bound is reached, small datagrams counted with their overhead") {
  // 16 empty datagrams take 16 * 64 bytes: tiny datagrams cannot hide in the bound.
  datagram_queue q(16 * datagram_queue::overhead_per_datagram);
  for (int i = 0; i < 15; ++i) {
    q.push("");
    CHECK(q.has_room());
  }
  q.push("");
  CHECK_FALSE(q.has_room());
  q.pop();
  CHECK(q.has_room());
}

TEST_CASE("datagram_queue: clear() forgets everything and says how much") {
  datagram_queue q(1 << 20);
  q.push("a");
  q.push("b");
  CHECK(q.clear() == 2);
  CHECK(q.empty());
  CHECK(q.bytes() == 0);
  CHECK(q.has_room());
  CHECK(q.clear() == 0);
}

}
