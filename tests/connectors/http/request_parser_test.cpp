#include <doctest/doctest.h>

#include <string>

#include "connectors/http/server/request_parser.hpp"

using namespace temblor::connectors::http;
using state = request_parser::state;

TEST_SUITE("connectors.http.parser") {

namespace {

/// Feeds `wire` whole; returns the state after the first request (or error).
state feed_all(request_parser& p, const std::string& wire, size_t& used) {
  state st = state::need_more;
  used = p.feed(wire.data(), wire.size(), st);
  return st;
}

} // namespace

TEST_CASE("the parser reads a GET with lower-cased header names and trimmed values") {
  request_parser p(request_limits{});
  std::string wire = "GET /a/b?x=1 HTTP/1.1\r\nHost: example\r\nX-Multi: one  \r\n"
                     "x-multi: two\r\n\r\n";
  size_t used = 0;
  REQUIRE(feed_all(p, wire, used) == state::complete);
  CHECK(used == wire.size());
  auto req = p.take();
  CHECK(req.method == "GET");
  CHECK(req.target == "/a/b?x=1");
  CHECK(req.version() == "HTTP/1.1");
  REQUIRE(req.headers.size() == 3);
  CHECK(req.headers[1].name == "x-multi");
  CHECK(req.headers[1].value == "one");
  CHECK(req.headers[2].value == "two");
  CHECK(req.body.empty());
  CHECK(req.keep_alive);
}

TEST_CASE("the parser reads bodies by content-length and chunked, fed a byte at a time") {
  request_parser p(request_limits{});
  std::string wire = "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
                     "PUT /y HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n";
  std::vector<http_request> got;
  for (size_t i = 0; i < wire.size(); ++i) {
    state st;
    size_t used = p.feed(wire.data() + i, 1, st);
    REQUIRE(st != state::error);
    if (st == state::complete) {
      got.push_back(p.take());
      if (used == 0) // the byte belongs to the next request
        --i;
    }
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].method == "POST");
  CHECK(got[0].body == "hello");
  CHECK_FALSE(got[0].chunked);
  CHECK(got[1].method == "PUT");
  CHECK(got[1].body == "abcdefg");
  CHECK(got[1].chunked);
}

TEST_CASE("the parser stops after each pipelined request so they keep their order") {
  request_parser p(request_limits{});
  std::string wire = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n";
  std::vector<std::string> targets;
  size_t off = 0;
  while (off < wire.size()) {
    state st;
    off += p.feed(wire.data() + off, wire.size() - off, st);
    REQUIRE(st == state::complete);
    targets.push_back(p.take().target);
  }
  CHECK(targets == std::vector<std::string>{"/1", "/2", "/3"});
}

TEST_CASE("the parser answers 431 to headers over the byte limit or the count limit") {
  request_limits lim;
  lim.max_header_bytes = 100;
  lim.max_header_count = 3;
  size_t used = 0;
  {
    request_parser p(lim);
    std::string wire = "GET / HTTP/1.1\r\nX-Big: " + std::string(200, 'a') + "\r\n\r\n";
    CHECK(feed_all(p, wire, used) == state::error);
    CHECK(p.error_status() == 431);
  }
  {
    request_parser p(lim);
    std::string wire = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    CHECK(feed_all(p, wire, used) == state::error);
    CHECK(p.error_status() == 431);
    CHECK(p.error_reason().find("more than 3 headers") != std::string::npos);
  }
  {
    request_parser p(lim);
    std::string wire = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    CHECK(feed_all(p, wire, used) == state::complete);
  }
}

TEST_CASE("the parser answers 413 to a body over the limit, announced or chunked") {
  request_limits lim;
  lim.max_body_bytes = 10;
  size_t used = 0;
  {
    request_parser p(lim);
    CHECK(feed_all(p, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", used) == state::error);
    CHECK(p.error_status() == 413);
  }
  {
    request_parser p(lim);
    CHECK(feed_all(p, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n"
                      "6\r\nabcdef\r\n0\r\n\r\n",
                   used) == state::error);
    CHECK(p.error_status() == 413);
  }
  {
    request_parser p(lim);
    CHECK(feed_all(p, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789", used) ==
          state::complete);
  }
}

TEST_CASE("bodies in progress share one budget, refunded when the request is taken") {
  request_limits lim;
  body_budget budget(100);
  request_parser a(lim, &budget);
  request_parser b(lim, &budget);
  size_t used = 0;
  CHECK(feed_all(a, "POST / HTTP/1.1\r\nContent-Length: 80\r\n\r\nabc", used) == state::need_more);
  CHECK(budget.used() == 80);
  CHECK(feed_all(b, "POST / HTTP/1.1\r\nContent-Length: 30\r\n\r\n", used) == state::error);
  CHECK(b.error_status() == 413);
  CHECK(b.budget_exhausted());
  std::string rest(77, 'x');
  CHECK(feed_all(a, rest, used) == state::complete);
  auto req = a.take();
  CHECK(req.body.size() == 80);
  CHECK(budget.used() == 0);
  {
    request_parser c(lim, &budget);
    CHECK(feed_all(c, "POST / HTTP/1.1\r\nContent-Length: 50\r\n\r\nab", used) == state::need_more);
    CHECK(budget.used() == 50);
  }
  CHECK(budget.used() == 0); // a parser dropped mid-body (client gone) gives it back
}

TEST_CASE("the parser rejects malformed and smuggling-prone requests with 400 and CONNECT with 501") {
  size_t used = 0;
  for (const char* wire : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
                           "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                           "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"}) {
    std::string text = wire;
    CAPTURE(text);
    request_parser p(request_limits{});
    CHECK(feed_all(p, wire, used) == state::error);
    CHECK(p.error_status() == 400);
  }
  request_parser p(request_limits{});
  CHECK(feed_all(p, "CONNECT example:443 HTTP/1.1\r\n\r\n", used) == state::error);
  CHECK(p.error_status() == 501);
}

TEST_CASE("the parser tells keep-alive from close and asks for 100 Continue once") {
  size_t used = 0;
  {
    request_parser p(request_limits{});
    REQUIRE(feed_all(p, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", used) == state::complete);
    CHECK_FALSE(p.take().keep_alive);
  }
  {
    request_parser p(request_limits{});
    REQUIRE(feed_all(p, "GET / HTTP/1.0\r\n\r\n", used) == state::complete);
    auto r = p.take();
    CHECK_FALSE(r.keep_alive);
    CHECK(r.version() == "HTTP/1.0");
  }
  {
    request_parser p(request_limits{});
    REQUIRE(feed_all(p, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", used) ==
            state::complete);
    CHECK(p.take().keep_alive);
  }
  {
    request_parser p(request_limits{});
    CHECK(feed_all(p, "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
                   used) == state::need_more);
    CHECK(p.in_request());
    CHECK(p.headers_complete());
    CHECK(p.take_continue_request());
    CHECK_FALSE(p.take_continue_request());
    CHECK(feed_all(p, "body", used) == state::complete);
    CHECK(p.take().body == "body");
  }
}

} // TEST_SUITE
