#include <doctest/doctest.h>

#include <sys/resource.h>

#include <chrono>
#include <thread>

#include "connectors/http/http_client.hpp"
#include "tests/connectors/http/http_test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::http::testing;

TEST_SUITE("connectors.http.client") {

namespace {

/// What the Python server saw, from the response payload.
const value& seen(const received_event& e) { return e.payload; }

value client_config(const std::string& url, record extra = {}) {
  record cfg{{"url", url}};
  for (const auto& [k, v] : extra)
    cfg.set(k, v);
  return value(std::move(cfg));
}

} // namespace

TEST_CASE("http_client posts JSON and emits the response with Tremor's metadata, acking after it") {
  python_server srv("echo");
  REQUIRE(srv.port != 0);
  client_fixture c(client_config(srv.url("/in")));
  REQUIRE(c.conn);
  CHECK(c.send(value(record{{"hello", "world"}}), value(record{{"correlation", "abc-1"}})) ==
        sink_outcome::pending);
  CHECK(c.ctx->acks.empty()); // not before the response
  received_event e;
  REQUIRE(c.ctx->pop_event(e));
  CHECK(e.port == "out");
  CHECK(*path(seen(e), {"method"}) == value("POST"));
  CHECK(*path(seen(e), {"path"}) == value("/in"));
  CHECK(*path(seen(e), {"body"}) == value(R"({"hello":"world"})"));
  CHECK(*path(seen(e), {"headers", "content-type"}) == value("application/json"));
  const value* hc = e.meta.get("http_client");
  REQUIRE(hc != nullptr);
  CHECK(*path(*hc, {"response", "status"}) == value(200));
  CHECK(*path(*hc, {"response", "version"}) == value("HTTP/1.1"));
  CHECK(*path(*hc, {"response", "headers", "x-test"}) == value(array{"one", "two"}));
  CHECK(*path(*hc, {"request", "method"}) == value("POST"));
  CHECK(*path(*hc, {"request", "url"}) == value(srv.url("/in")));
  CHECK(*path(*hc, {"request_id"}) == value(0));
  CHECK(*path(e.meta, {"correlation"}) == value("abc-1"));
  REQUIRE(c.ctx->wait([&] { return c.ctx->acks.size() == 1; }));
  REQUIRE(c.ctx->acks[0].origins().size() == 1);
  CHECK(c.ctx->acks[0].origins()[0].max_pull == c.sent[0].id.origins()[0].max_pull);
  CHECK(c.ctx->fails.empty());
}

TEST_CASE("$http_client.request overrides method, url and headers per event, text goes as text") {
  python_server srv("echo");
  REQUIRE(srv.port != 0);
  // One at a time, so the responses come in the order of the events.
  client_fixture c(client_config(srv.url("/default"), {{"method", "PUT"},
                                                       {"concurrency", 1},
                                                       {"headers", value(record{{"x-fixed", "f"}})}}));
  REQUIRE(c.conn);
  value meta(record{{"http_client",
                     value(record{{"request", value(record{{"method", "PATCH"},
                                                           {"url", srv.url("/other?q=1")},
                                                           {"headers", value(record{{"content-type", "text/plain"},
                                                                                    {"x-extra", value(array{"a", "b"})}})}})}})}});
  c.send(value("plain words"), meta);
  c.send(value(), value());
  received_event e;
  REQUIRE(c.ctx->pop_event(e));
  CHECK(*path(seen(e), {"method"}) == value("PATCH"));
  CHECK(*path(seen(e), {"path"}) == value("/other?q=1"));
  CHECK(*path(seen(e), {"body"}) == value("plain words"));
  CHECK(*path(seen(e), {"headers", "x-fixed"}) == value("f"));
  CHECK(*path(seen(e), {"headers", "x-extra"}) == value("a, b"));
  REQUIRE(c.ctx->pop_event(e));
  CHECK(*path(seen(e), {"method"}) == value("PUT"));
  CHECK(*path(seen(e), {"path"}) == value("/default"));
  CHECK(*path(seen(e), {"body"}) == value(""));
}

TEST_CASE("a 500 is a response, not a failure") {
  python_server srv("error");
  REQUIRE(srv.port != 0);
  client_fixture c(client_config(srv.url()));
  c.send(value(1));
  received_event e;
  REQUIRE(c.ctx->pop_event(e));
  CHECK(e.port == "out");
  CHECK(*path(e.meta, {"http_client", "response", "status"}) == value(500));
  REQUIRE(c.ctx->wait([&] { return c.ctx->acks.size() == 1; }));
  CHECK(c.ctx->fails.empty());
}

TEST_CASE("a timeout, a server closing mid-response and a refused connection fail the event to `err`") {
  python_server hang("hang");
  python_server closing("close");
  REQUIRE(hang.port != 0);
  REQUIRE(closing.port != 0);
  // A port nothing listens on: bind one, then let it go.
  uint16_t dead_port = 0;
  {
    server_fixture f;
    dead_port = f.port;
  }
  struct scenario {
    std::string url;
    std::string reason;
  };
  for (const auto& s : {scenario{hang.url(), "Operation timed out"},
                        scenario{closing.url(), "transfer closed"},
                        scenario{"http://127.0.0.1:" + std::to_string(dead_port) + "/", "Failed to connect"}}) {
    CAPTURE(s.url);
    client_fixture c(client_config(s.url, {{"timeout", uint64_t(500000000)}}));
    c.send(value(record{{"n", 1}}), value(record{{"correlation", 7}}));
    received_event e;
    REQUIRE(c.ctx->pop_event(e, 15s));
    CHECK(e.port == "err");
    const std::string& reason = e.payload.get("error")->as_string();
    CHECK(reason.find(s.reason) != std::string::npos);
    CHECK(*path(e.meta, {"correlation"}) == value(7));
    REQUIRE(c.ctx->wait([&] { return c.ctx->fails.size() == 1; }));
    CHECK(c.ctx->acks.empty());
    CHECK(c.ctx->count("requests_failed") == 1);
  }
}

TEST_CASE("requests to one host reuse one keep-alive connection") {
  python_server srv("echo");
  REQUIRE(srv.port != 0);
  client_fixture c(client_config(srv.url(), {{"concurrency", 1}}));
  for (int i = 0; i < 20; ++i)
    c.send(value(i));
  std::vector<int64_t> connections;
  for (int i = 0; i < 20; ++i) {
    received_event e;
    REQUIRE(c.ctx->pop_event(e));
    int64_t n = 0;
    path(seen(e), {"connection"})->get_i64(n);
    connections.push_back(n);
  }
  CHECK(connections == std::vector<int64_t>(20, 1));
}

TEST_CASE("connections opened for a burst stay open for the next one") {
  // curl's default keeps four idle connections per transfer still added:
  // as a burst drains that falls to four, and the next burst reconnected.
  python_server srv("slow");
  REQUIRE(srv.port != 0);
  constexpr int slots = 8;
  client_fixture c(client_config(srv.url(), {{"concurrency", slots}}));
  int64_t highest = 0;
  for (int burst = 0; burst < 2; ++burst) {
    for (int i = 0; i < slots; ++i)
      c.send(value(i));
    for (int i = 0; i < slots; ++i) {
      received_event e;
      REQUIRE(c.ctx->pop_event(e));
      int64_t n = 0;
      path(seen(e), {"connection"})->get_i64(n);
      highest = std::max(highest, n);
    }
  }
  CHECK(highest == slots);
}

TEST_CASE("a kept-alive connection the server closes while idle is let go quietly, the next request opens another") {
  python_server srv("idle_close"); // closes 0.2 s after answering
  REQUIRE(srv.port != 0);
  client_fixture c(client_config(srv.url(), {{"concurrency", 1}}));
  auto connection_of = [&](int64_t n) {
    c.send(value(n));
    received_event e;
    REQUIRE(c.ctx->pop_event(e));
    REQUIRE(e.port == "out");
    int64_t index = 0;
    path(seen(e), {"connection"})->get_i64(index);
    return index;
  };
  auto cpu = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return std::chrono::seconds(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           std::chrono::microseconds(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
  };
  CHECK(connection_of(1) == 1);
  // The idle socket stays in the client's level-triggered epoll set between
  // requests; once the server closes it, it is readable at every turn, and a
  // loop that kept handing it over would spin a core meanwhile.
  const auto before = cpu();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CHECK(cpu() - before < std::chrono::milliseconds(300));
  CHECK(connection_of(2) == 2);
  CHECK(c.ctx->fails.empty());
}

TEST_CASE("concurrency bounds requests in flight and holds upstream back through the circuit breaker") {
  python_server srv("slow");
  REQUIRE(srv.port != 0);
  client_fixture c(client_config(srv.url(), {{"concurrency", 2}}));
  for (int i = 0; i < 6; ++i)
    CHECK(c.send(value(i)) == sink_outcome::pending);
  REQUIRE(c.ctx->wait([&] { return !c.ctx->breaker.empty(); }));
  CHECK(c.ctx->breaker.front() == false); // closed at once: two in flight
  int64_t most = 0;
  for (int i = 0; i < 6; ++i) {
    received_event e;
    REQUIRE(c.ctx->pop_event(e));
    int64_t n = 0;
    path(seen(e), {"max_active"})->get_i64(n);
    most = std::max(most, n);
  }
  CHECK(most == 2);
  REQUIRE(c.ctx->wait([&] { return c.ctx->acks.size() == 6; }));
  REQUIRE(c.ctx->wait([&] { return !c.ctx->breaker.empty() && c.ctx->breaker.back(); }));
}

TEST_CASE("a burst sent before the breaker could act waits for slots instead of being rejected") {
  // Upstream sees the breaker close only after a round through the
  // runtime; a fast source (256 events a pull) sends thousands meanwhile.
  // They wait for a slot (bounded memory: 16 Ki requests at most).
  python_server srv("echo");
  REQUIRE(srv.port != 0);
  client_fixture c(client_config(srv.url(), {{"concurrency", 4}}));
  constexpr size_t burst = 1100; // the old waiting room of 1024 rejected 70
  for (size_t i = 0; i < burst; ++i)
    REQUIRE(c.send(value(static_cast<int64_t>(i))) == sink_outcome::pending);
  REQUIRE(c.ctx->wait([&] { return c.ctx->events.size() == burst; }, 60s));
  size_t on_out = 0;
  for (const auto& e : c.ctx->events)
    on_out += e.port == "out" ? 1 : 0;
  CHECK(on_out == burst);
  CHECK(c.ctx->count("requests_rejected_queue_full") == 0);
  // Closed while they waited, open again once they are through.
  REQUIRE(c.ctx->wait([&] { return !c.ctx->breaker.empty() && c.ctx->breaker.back(); }));
  CHECK(c.ctx->breaker.front() == false);
}

TEST_CASE("writes_in_flight counts requests until their answer, so a graceful stop waits for them") {
  python_server slow("slow");
  python_server hang("hang");
  REQUIRE(slow.port != 0);
  REQUIRE(hang.port != 0);
  {
    // Three requests, two slots: one waits for a slot and still counts.
    client_fixture c(client_config(slow.url(), {{"concurrency", 2}}));
    std::vector<size_t> seen_at_ack;
    c.ctx->on_contraflow = [&] { seen_at_ack.push_back(c.conn->writes_in_flight()); };
    CHECK(c.conn->writes_in_flight() == 0);
    for (int i = 0; i < 3; ++i)
      c.send(value(i));
    CHECK(c.conn->writes_in_flight() == 3);
    REQUIRE(c.ctx->wait([&] { return c.ctx->acks.size() == 3; }));
    // Each answer is taken off before its ack, which is when the runtime asks again.
    CHECK(seen_at_ack == std::vector<size_t>{2, 1, 0});
  }
  {
    client_fixture c(client_config(hang.url(), {{"timeout", uint64_t(300000000)}}));
    size_t at_fail = 99;
    c.ctx->on_contraflow = [&] { at_fail = c.conn->writes_in_flight(); };
    c.send(value(1));
    CHECK(c.conn->writes_in_flight() == 1);
    REQUIRE(c.ctx->wait([&] { return c.ctx->fails.size() == 1; }));
    CHECK(at_fail == 0);
  }
}

TEST_CASE("basic and bearer auth go out as Authorization headers, an event's own header wins") {
  python_server srv("echo");
  REQUIRE(srv.port != 0);
  {
    client_fixture c(client_config(
        srv.url(), {{"auth", value(record{{"basic", value(record{{"username", "user"},
                                                                 {"password", "pa:ss"}})}})}}));
    c.send(value(1));
    received_event e;
    REQUIRE(c.ctx->pop_event(e));
    CHECK(*path(seen(e), {"headers", "authorization"}) == value("Basic dXNlcjpwYTpzcw=="));
    // The request metadata does not echo the secret.
    CHECK(path(e.meta, {"http_client", "request", "headers", "authorization"})->is_null());
  }
  {
    client_fixture c(client_config(srv.url(), {{"auth", value(record{{"bearer", "t0k3n"}})}}));
    c.send(value(1));
    received_event e;
    REQUIRE(c.ctx->pop_event(e));
    CHECK(*path(seen(e), {"headers", "authorization"}) == value("Bearer t0k3n"));
  }
  {
    // An event's own Authorization header (from $http_client.request)
    // replaces the configured auth for that request only.
    client_fixture c(client_config(srv.url(), {{"auth", value(record{{"bearer", "t0k3n"}})},
                                               {"concurrency", 1}}));
    value meta(record{{"http_client", value(record{{"request", value(record{
                 {"headers", value(record{{"authorization", "Bearer per-event"}})}})}})}});
    c.send(value(1), meta);
    c.send(value(2));
    received_event e;
    REQUIRE(c.ctx->pop_event(e));
    CHECK(*path(seen(e), {"headers", "authorization"}) == value("Bearer per-event"));
    REQUIRE(c.ctx->pop_event(e));
    CHECK(*path(seen(e), {"headers", "authorization"}) == value("Bearer t0k3n"));
  }
}

TEST_CASE("a chunked request streams its body in chunks") {
  python_server srv("echo");
  REQUIRE(srv.port != 0);
  client_fixture c(client_config(
      srv.url(), {{"headers", value(record{{"transfer-encoding", "chunked"},
                                           {"content-type", "text/plain"}})}}));
  std::string big(200000, 'c');
  c.send(value(big));
  received_event e;
  REQUIRE(c.ctx->pop_event(e));
  CHECK(*path(seen(e), {"chunked"}) == value(true));
  CHECK(path(seen(e), {"body"})->as_string().size() == big.size());
}

TEST_CASE("http_client over TLS: the given CA is trusted, another CA is not and the error says which") {
  temp_dir dir;
  REQUIRE(make_cert(dir, "srv"));
  REQUIRE(make_cert(dir, "other"));
  python_server srv("echo", dir.file("srv.cert.pem"), dir.file("srv.key.pem"));
  REQUIRE(srv.port != 0);
  {
    client_fixture c(client_config(srv.url("/", true),
                                   {{"tls", value(record{{"cafile", dir.file("srv.cert.pem")}})}}));
    c.send(value(1));
    received_event e;
    REQUIRE(c.ctx->pop_event(e));
    CHECK(e.port == "out");
  }
  {
    client_fixture c(client_config(srv.url("/", true),
                                   {{"tls", value(record{{"cafile", dir.file("other.cert.pem")}})}}));
    c.send(value(1));
    received_event e;
    REQUIRE(c.ctx->pop_event(e));
    CHECK(e.port == "err");
    const std::string& reason = e.payload.get("error")->as_string();
    CHECK(reason.find("certificate") != std::string::npos);
    CHECK(reason.find(dir.file("other.cert.pem")) != std::string::npos);
  }
}

TEST_CASE("http_client against http_server: client -> server -> reply -> client, whole and chunked") {
  server_fixture f;
  REQUIRE(f.port != 0);
  responder r(f, [](event ev) {
    std::vector<event> out;
    const value* te = path(ev.meta, {"http_server", "request", "headers", "x-reply-chunked"});
    if (te->is_null()) {
      ev.payload = value(record{{"echo", ev.payload}});
      out.push_back(ev);
      return out;
    }
    for (int i = 0; i < 3; ++i) {
      event part = ev;
      set_response(part, value(record{{"headers", value(record{{"transfer-encoding", "chunked"},
                                                               {"content-type", "text/plain"}})},
                                      {"last", i == 2}}));
      part.payload = value(std::to_string(i));
      out.push_back(part);
    }
    return out;
  });
  client_fixture c(client_config(f.url("/api")));
  c.send(value(record{{"n", 1}}));
  received_event e;
  REQUIRE(c.ctx->pop_event(e));
  CHECK(e.payload == value(record{{"echo", value(record{{"n", 1}})}}));
  CHECK(*path(e.meta, {"http_client", "response", "status"}) == value(201));
  c.send(value(record{{"n", 2}}),
         value(record{{"http_client", value(record{{"request", value(record{{"headers", value(record{{"x-reply-chunked", "yes"}})}})}})}}));
  REQUIRE(c.ctx->pop_event(e));
  CHECK(e.payload == value("012"));
  CHECK(*path(e.meta, {"http_client", "response", "headers", "transfer-encoding"}) ==
        value(array{"chunked"}));
}

TEST_CASE("http_client config: bad url, method, auth and mime mapping are rejected with the key") {
  std::string err;
  auto ctx = std::make_shared<recording_context>();
  auto make = [&](value cfg) {
    return ws::testing::make_connector(http::http_client_descriptor(), std::move(cfg), ctx, 1, err);
  };
  CHECK_FALSE(make(value(record{{"url", "ws://x:1"}})));
  CHECK(err.find("`url`") != std::string::npos);
  CHECK_FALSE(make(value(record{{"method", "B AD"}})));
  CHECK(err.find("`method`") != std::string::npos);
  CHECK_FALSE(make(value(record{{"auth", value(record{{"digest", "x"}})}})));
  CHECK(err.find("`auth`") != std::string::npos);
  CHECK_FALSE(make(value(record{{"mime_mapping", value(record{{"a/b", "nope"}})}})));
  CHECK(err.find("mime_mapping") != std::string::npos);
  CHECK_FALSE(make(value(record{{"timeout", 5}})));
  CHECK(err.find("`timeout`") != std::string::npos);
  CHECK(make(value()));
}

} // TEST_SUITE
