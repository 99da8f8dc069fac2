#include <doctest/doctest.h>

#include <fstream>

#include "connectors/http/http_server.hpp"
#include "tests/connectors/http/http_test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::http::testing;

TEST_SUITE("connectors.http.server") {

namespace {

/// The last line of curl's output, where `-w` writes.
std::string last_line(const std::string& out) {
  auto nl = out.rfind('\n');
  return nl == std::string::npos ? out : out.substr(nl + 1);
}

std::string first_lines(const std::string& out) {
  auto nl = out.rfind('\n');
  return nl == std::string::npos ? std::string() : out.substr(0, nl);
}

} // namespace

TEST_CASE("curl GET/POST/PUT/DELETE get their bodies back with Tremor's default statuses") {
  server_fixture f;
  REQUIRE(f.port != 0);
  responder echo(f);
  std::string out;
  REQUIRE(curl({"-w", "\n%{http_code} %{content_type}", f.url("/get")}, out) == 0);
  CHECK(last_line(out) == "200 "); // null payload: empty body, no content type
  REQUIRE(curl({"-w", "\n%{http_code} %{content_type}", "-H", "content-type: application/json",
                "-d", R"({"a": [1, 2.5, null], "b": "x"})", f.url("/post")},
               out) == 0);
  CHECK(last_line(out) == "201 application/json");
  CHECK(first_lines(out) == R"({"a":[1,2.5,null],"b":"x"})");
  REQUIRE(curl({"-w", "\n%{http_code} %{content_type}", "-X", "PUT", "-H",
                "content-type: text/plain; charset=utf-8", "--data-binary", "plain text", f.url("/put")},
               out) == 0);
  CHECK(last_line(out) == "200 text/plain");
  CHECK(first_lines(out) == "plain text");
  REQUIRE(curl({"-w", "%{http_code}", "-X", "DELETE", f.url("/del")}, out) == 0);
  CHECK(out == "204");
}

TEST_CASE("a request event carries Tremor's $http_server metadata and its decoded body") {
  server_fixture f;
  REQUIRE(f.port != 0);
  std::string out;
  child_process c({"curl", "-s", "--max-time", "20", "-H", "content-type: application/json",
                   "-H", "X-Multi: one", "-H", "X-Multi: two", "-d", R"({"k": "v"})",
                   f.url("/hook?x=1")},
                  true);
  received_event req;
  REQUIRE(f.ctx->pop_event(req));
  CHECK(req.port == "out");
  CHECK(req.payload == value(record{{"k", "v"}}));
  const value* hs = req.meta.get("http_server");
  REQUIRE(hs != nullptr);
  CHECK(*path(*hs, {"request", "method"}) == value("POST"));
  CHECK(*path(*hs, {"request", "uri"}) == value(f.url("/hook?x=1")));
  CHECK(*path(*hs, {"request", "protocol"}) == value("http"));
  CHECK(*path(*hs, {"request", "version"}) == value("HTTP/1.1"));
  CHECK(*path(*hs, {"request", "headers", "x-multi"}) == value(array{"one", "two"}));
  CHECK(*path(*hs, {"request", "headers", "content-type"}) == value(array{"application/json"}));
  uint64_t id = 0;
  REQUIRE(hs->get("request_id")->get_u64(id));
  CHECK(req.stream == id); // one stream per request: event ids find it again
  CHECK(f.ctx->wait([&] { return f.ctx->finished == std::vector<uint64_t>{id}; }));
  auto reply = reply_to(req, server_fixture::source_id);
  CHECK(f.conn->write("in", reply, f.ser) == sink_outcome::done);
  f.conn->flush();
  CHECK(c.wait() == 0);
}

TEST_CASE("$http_server.response sets status and headers; the request id or the event id finds the request") {
  server_fixture f;
  REQUIRE(f.port != 0);
  responder r(f, [](event ev) {
    set_response(ev, value(record{{"status", 418},
                                  {"headers", value(record{{"x-tea", value(array{"green", "black"})},
                                                           {"content-type", "text/plain"}})}}));
    ev.payload = value("short and stout");
    // Without $http_server (a pipeline dropped it) the event id still finds it.
    ev.meta.get("http_server")->as_record().erase("request_id");
    return std::vector<event>{ev};
  });
  std::string out;
  REQUIRE(curl({"-i", f.url("/teapot")}, out) == 0);
  CHECK(out.find("HTTP/1.1 418 ") == 0);
  CHECK(out.find("x-tea: green\r\nx-tea: black\r\n") != std::string::npos);
  CHECK(out.find("content-type: text/plain\r\n") != std::string::npos);
  CHECK(out.find("short and stout") != std::string::npos);
}

TEST_CASE("a chunked request body arrives whole and a chunked response streams several events") {
  // A response that missed its end would only be ended by this timeout.
  server_fixture f(value(record{{"response_timeout_ms", 60000}}));
  REQUIRE(f.port != 0);
  temp_dir dir;
  std::string big(100000, 'q');
  std::ofstream(dir.file("body.txt")) << big;
  responder r(f, [](event ev) {
    std::vector<event> parts;
    for (int i = 0; i < 3; ++i) {
      event part = ev;
      set_response(part, value(record{{"headers", value(record{{"transfer-encoding", "chunked"},
                                                               {"content-type", "text/plain"}})},
                                      {"last", i == 2}}));
      part.payload = value("part" + std::to_string(i) + ";");
      parts.push_back(part);
    }
    return parts;
  });
  std::string out;
  REQUIRE(curl({"-w", "\n%{size_download}", "-H", "Transfer-Encoding: chunked", "-H",
                "content-type: text/plain", "--data-binary", "@" + dir.file("body.txt"),
                f.url("/up")},
               out) == 0);
  CHECK(first_lines(out) == "part0;part1;part2;");
  REQUIRE(probe("chunked-response", f.port, {}, out) == 0);
  CHECK(out == "te chunked body part0;part1;part2;");
  CHECK(r.written() == 6);
  // The chunked upload reached the flow as one event with the whole body.
  CHECK(f.ctx->count("requests") == 2);
}

TEST_CASE("python http.client: 1,000 requests on one keep-alive connection, and urllib") {
  server_fixture f;
  REQUIRE(f.port != 0);
  responder echo(f);
  std::string out;
  REQUIRE(probe("keepalive", f.port, {"1000"}, out) == 0);
  CHECK(out == "ok 1000 local_ports 1");
  CHECK(f.ctx->count("connections_accepted") == 1);
  REQUIRE(probe("urllib", f.port, {}, out) == 0);
  CHECK(out == R"(status 201 body {"via":"urllib"})");
}

TEST_CASE("200 clients at once each get their own answer") {
  server_fixture f;
  REQUIRE(f.port != 0);
  responder echo(f);
  std::string out;
  REQUIRE(probe("concurrent", f.port, {"200"}, out, 120s) == 0);
  CHECK(out == "ok 200");
}

TEST_CASE("pipelined requests answered out of order still get their responses in request order") {
  server_fixture f;
  REQUIRE(f.port != 0);
  child_process p({"/usr/bin/python3", peer_script("py_http_probe.py"), "pipeline",
                   std::to_string(f.port), "5"},
                  true);
  std::vector<received_event> reqs;
  while (reqs.size() < 5) {
    received_event e;
    REQUIRE(f.ctx->pop_event(e));
    reqs.push_back(std::move(e));
  }
  for (auto it = reqs.rbegin(); it != reqs.rend(); ++it) {
    auto ev = reply_to(*it, server_fixture::source_id);
    const auto& uri = path(it->meta, {"http_server", "request", "uri"})->as_string();
    ev.payload = value(uri.substr(uri.find("/p/")));
    set_response(ev, value(record{{"headers", value(record{{"content-type", "text/plain"}})}}));
    CHECK(f.conn->write("in", ev, f.ser) == sink_outcome::done);
    f.conn->flush(); // one by one, last request first
  }
  std::string line;
  REQUIRE(p.read_line(line));
  CHECK(line == "order /p/0 /p/1 /p/2 /p/3 /p/4");
}

TEST_CASE("TLS with a per-run certificate") {
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  server_fixture f(value(record{{"url", "https://127.0.0.1:0"},
                                {"tls", value(record{{"cert", dir.file("srv.cert.pem")},
                                                     {"key", dir.file("srv.key.pem")}})}}));
  REQUIRE(f.port != 0);
  responder echo(f);
  std::string out;
  REQUIRE(curl({"-w", "\n%{http_code}", "--cacert", dir.file("srv.cert.pem"), "-H",
                "content-type: application/json", "-d", "[1,2,3]", f.url("/secure", true)},
               out) == 0);
  CHECK(out == "[1,2,3]\n201");
}

TEST_CASE("oversized headers get 431 and oversized bodies 413, counted and logged") {
  server_fixture f(value(record{{"max_header_bytes", 1024}, {"max_body_bytes", 1000}}));
  REQUIRE(f.port != 0);
  responder echo(f);
  std::string out;
  REQUIRE(curl({"-w", "%{http_code}", "-o", "/dev/null", "-H", "X-Big: " + std::string(2000, 'h'),
                f.url("/")},
               out) == 0);
  CHECK(out == "431");
  REQUIRE(curl({"-w", "%{http_code}", "-o", "/dev/null", "-H", "content-type: text/plain",
                "--data-binary", std::string(1001, 'b'), f.url("/")},
               out) == 0);
  CHECK(out == "413");
  REQUIRE(curl({"-w", "%{http_code}", "-o", "/dev/null", "-H", "content-type: text/plain",
                "--data-binary", std::string(1000, 'b'), f.url("/")},
               out) == 0);
  CHECK(out == "201");
  CHECK(f.ctx->count("rejected_431_headers_too_large") == 1);
  CHECK(f.ctx->count("rejected_413_body_too_large") == 1);
  CHECK(f.ctx->logged("request rejected with 431"));
  CHECK(f.ctx->logged("request rejected with 413"));
}

TEST_CASE("a client that disconnects mid-body leaks nothing") {
  server_fixture f;
  REQUIRE(f.port != 0);
  responder echo(f);
  std::string out;
  REQUIRE(probe("partial-body", f.port, {}, out) == 0); // warm-up: loads whatever the first needs
  size_t before = open_fds();
  for (int i = 0; i < 20; ++i)
    REQUIRE(probe("partial-body", f.port, {}, out) == 0);
  CHECK(f.ctx->wait([&] { return open_fds() <= before + 2; }, 5s));
  CHECK(open_fds() <= before + 2);
  CHECK(f.ctx->count("requests") == 0);
  // And the server still serves.
  REQUIRE(curl({"-w", "%{http_code}", "-o", "/dev/null", f.url("/")}, out) == 0);
  CHECK(out == "200");
}

TEST_CASE("a request without a response in time is answered 503 and counted") {
  server_fixture f(value(record{{"response_timeout_ms", 300}}));
  REQUIRE(f.port != 0);
  std::string out;
  auto start = std::chrono::steady_clock::now();
  REQUIRE(curl({"-w", "%{http_code}", "-o", "/dev/null", f.url("/nobody-answers")}, out) == 0);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(out == "503");
  CHECK(took >= 300ms);
  CHECK(took < 5s);
  CHECK(f.ctx->count("responses_timed_out_503") == 1);
  // A late response finds no request and fails.
  received_event req;
  REQUIRE(f.ctx->pop_event(req));
  auto late = reply_to(req, server_fixture::source_id);
  CHECK(f.conn->write("in", late, f.ser) == sink_outcome::failed);
}

TEST_CASE("with nothing connected to `in` requests get the default answer at once, and still become events") {
  server_fixture f(value(), /*linked=*/false);
  REQUIRE(f.port != 0);
  std::string out;
  REQUIRE(curl({"-w", "%{http_code}", "-d", "{}", "-H", "content-type: application/json",
                f.url("/")},
               out) == 0);
  CHECK(out == "201");
  received_event req;
  CHECK(f.ctx->pop_event(req));
}

TEST_CASE("an undecodable body gets 400 and an event on `err`") {
  server_fixture f;
  REQUIRE(f.port != 0);
  std::string out;
  REQUIRE(curl({"-w", "\n%{http_code}", "-H", "content-type: application/json", "-d", "{broken",
                f.url("/")},
               out) == 0);
  CHECK(last_line(out) == "400");
  CHECK(out.find("cannot decode the body as json") != std::string::npos);
  received_event e;
  REQUIRE(f.ctx->pop_event(e));
  CHECK(e.port == "err");
  CHECK(e.payload.get("error")->as_string().find("cannot decode") != std::string::npos);
  CHECK(f.ctx->count("requests_undecodable_400") == 1);
}

TEST_CASE("a slowloris client trickling headers gets 408 after header_timeout_ms") {
  server_fixture f(value(record{{"header_timeout_ms", 1000}}));
  REQUIRE(f.port != 0);
  std::string out;
  REQUIRE(probe("slowloris", f.port, {}, out) == 0);
  CHECK(out.rfind("status 408 after ", 0) == 0);
  double after = std::stod(out.substr(17));
  CHECK(after >= 0.9);
  CHECK(after < 3.0);
  CHECK(f.ctx->count("rejected_408_timeout") == 1);
}

TEST_CASE("an idle keep-alive connection is closed after idle_timeout_ms") {
  server_fixture f(value(record{{"idle_timeout_ms", 500}}));
  REQUIRE(f.port != 0);
  std::string out;
  REQUIRE(probe("idle", f.port, {}, out) == 0);
  double after = std::stod(out.substr(std::string("closed after ").size()));
  CHECK(after >= 0.4);
  CHECK(after < 3.0);
  CHECK(f.ctx->count("connections_closed_idle") == 1);
}

TEST_CASE("max_connections: one more connection is closed at once, counted and logged") {
  server_fixture f(value(record{{"max_connections", 2}}));
  REQUIRE(f.port != 0);
  responder echo(f);
  child_process a({"/usr/bin/python3", peer_script("py_http_probe.py"), "idle", std::to_string(f.port)}, true);
  child_process b({"/usr/bin/python3", peer_script("py_http_probe.py"), "idle", std::to_string(f.port)}, true);
  REQUIRE(f.ctx->wait([&] { return f.ctx->counters["connections_accepted"].load() == 2; }));
  std::string out;
  curl({"-w", "%{http_code}", "-o", "/dev/null", f.url("/")}, out);
  CHECK(out.find("000") != std::string::npos); // curl got no answer
  CHECK(f.ctx->count("connections_rejected_max") == 1);
  CHECK(f.ctx->logged("max_connections (2) reached"));
}

TEST_CASE("bodies still arriving share body_memory_bytes; one that does not fit gets 413") {
  server_fixture f(value(record{{"body_memory_bytes", 150000}}));
  REQUIRE(f.port != 0);
  child_process p({"/usr/bin/python3", peer_script("py_http_probe.py"), "hold-partial",
                   std::to_string(f.port), "3", "60000"},
                  true);
  std::vector<std::string> statuses;
  std::string line;
  while (statuses.size() < 3 && p.read_line(line))
    statuses.push_back(line);
  // Two bodies of 60000 fit in 150000, the third does not.
  CHECK(statuses == std::vector<std::string>{"status waiting", "status waiting", "status 413"});
  CHECK(f.ctx->count("rejected_413_body_budget") == 1);
}

TEST_CASE("a client that does not read its responses is cut off, counted") {
  server_fixture f(value(record{{"max_response_buffer_bytes", 300000}, {"max_pipelined", 1000}}));
  REQUIRE(f.port != 0);
  responder big(f, [](event ev) {
    set_response(ev, value(record{{"headers", value(record{{"content-type", "text/plain"}})}}));
    ev.payload = value(std::string(100000, 'r'));
    return std::vector<event>{ev};
  });
  std::string out;
  REQUIRE(probe("noread", f.port, {"200"}, out) == 0);
  CHECK(out.rfind("closed after", 0) == 0);
  CHECK(f.ctx->count("connections_closed_slow_reader") == 1);
}

TEST_CASE("while paused no request reaches the flow; resume lets them through") {
  server_fixture f;
  REQUIRE(f.port != 0);
  f.conn->pause();
  child_process c({"curl", "-s", "--max-time", "20", f.url("/held")}, true);
  received_event e;
  CHECK_FALSE(f.ctx->pop_event(e, 500ms));
  f.conn->resume();
  REQUIRE(f.ctx->pop_event(e));
  auto reply = reply_to(e, server_fixture::source_id);
  f.conn->write("in", reply, f.ser);
  f.conn->flush();
  CHECK(c.wait() == 0);
}

TEST_CASE("http_server reports a port in use as a connect failure naming the address") {
  server_fixture a;
  REQUIRE(a.port != 0);
  auto ctx = std::make_shared<recording_context>();
  std::string err;
  auto conn = ws::testing::make_connector(
      http::http_server_descriptor(),
      value(record{{"url", "http://127.0.0.1:" + std::to_string(a.port)},
                   {"socket_options", value(record{{"SO_REUSEADDR", false}})}}),
      ctx, 1, err);
  REQUIRE(conn);
  conn->start(test_start());
  conn->connect();
  CHECK_FALSE(ctx->wait_connect_outcome());
  REQUIRE(ctx->connect_failures.size() == 1);
  CHECK(ctx->connect_failures[0].find("127.0.0.1:" + std::to_string(a.port)) != std::string::npos);
  conn->stop();
}

TEST_CASE("http_server config: https needs tls, limits must be positive, mime codecs must exist") {
  std::string err;
  auto ctx = std::make_shared<recording_context>();
  auto make = [&](value cfg) {
    return ws::testing::make_connector(http::http_server_descriptor(), std::move(cfg), ctx, 1, err);
  };
  CHECK_FALSE(make(value(record{{"url", "https://127.0.0.1:0"}})));
  CHECK(err.find("tls") != std::string::npos);
  CHECK_FALSE(make(value(record{{"header_timeout_ms", 0}})));
  CHECK(err.find("header_timeout_ms") != std::string::npos);
  CHECK_FALSE(make(value(record{{"mime_mapping", value(record{{"*/*", "nope"}})}})));
  CHECK(err.find("mime_mapping") != std::string::npos);
  CHECK_FALSE(make(value(record{{"url", "ws://127.0.0.1:1"}})));
  CHECK(make(value(record{{"url", "127.0.0.1:0"}})));
}

} // TEST_SUITE
