#include <doctest/doctest.h>

#include <string>

#include "connectors/dns/dns_client.hpp"
#include "tests/connectors/recording_context.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::testing;
using ws::testing::child_process;
using ws::testing::peer_script;

namespace {

/// tests/peers/py_dns_server.py: fixed records on 127.0.0.1 (see its zone).
struct dns_server {
  dns_server() : proc({"python3", peer_script("py_dns_server.py")}) {
    std::string line;
    if (proc.read_line(line) && line.rfind("port ", 0) == 0)
      port = static_cast<uint16_t>(std::stoi(line.substr(5)));
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  /// Reads the server's `query NAME TYPE` lines until `want` comes.
  bool asked(const std::string& want, std::chrono::milliseconds timeout = 5s) {
    std::string line;
    while (proc.read_line(line, timeout))
      if (line == "query " + want)
        return true;
    return false;
  }
  child_process proc;
  uint16_t port = 0;
};

/// A dns_client asking `server`, connected and resumed.
struct client {
  explicit client(const dns_server& server, uint64_t timeout_ms = 3000, bool resume = true) {
    value config{record{{"servers", value{array{server.address()}}}, {"timeout_ms", timeout_ms}}};
    conn = ws::testing::make_connector(dns::dns_client_descriptor(), std::move(config), ctx, 4, err);
    REQUIRE_MESSAGE(conn, err);
    conn->start(ws::testing::test_start(true, true));
    conn->connect();
    REQUIRE(ctx->wait_connect_outcome());
    if (resume)
      conn->resume();
  }
  ~client() { conn->stop(); }

  sink_outcome ask(value lookup, value correlation = value{}) {
    event ev;
    ev.payload = "ignored";
    ev.meta = value{record{{"dns", value{record{{"lookup", std::move(lookup)}}}}}};
    if (!correlation.is_null())
      ev.meta.set("correlation", std::move(correlation));
    return conn->write("in", ev, ser);
  }
  produced reply(std::chrono::milliseconds timeout = 10s) {
    produced p;
    REQUIRE(ctx->pop_value(p, timeout));
    return p;
  }

  std::shared_ptr<recording_context> ctx = std::make_shared<recording_context>();
  std::unique_ptr<connector> conn;
  ws::testing::echo_serializer ser;
  std::string err;
};

value typed(const std::string& name, const std::string& type) {
  return value{record{{"name", name}, {"type", type}}};
}

value one(const std::string& type, const std::string& text, uint64_t ttl) {
  return value{record{{type, text}, {"ttl", ttl}}};
}

} // namespace

TEST_SUITE("connectors.dns") {

TEST_CASE("dns_client: a name is looked up for A records, $correlation comes back") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server);
  CHECK(c.ask("a.test", value{record{{"id", 7}}}) == sink_outcome::done);
  auto r = c.reply();
  CHECK(r.port == "out");
  CHECK(r.payload == value{array{one("A", "10.0.0.1", 300), one("A", "10.0.0.2", 300)}});
  CHECK(r.meta == value{record{{"correlation", value{record{{"id", 7}}}}}});
  CHECK(server.asked("a.test A"));
}

TEST_CASE("dns_client: typed lookups answer MX, TXT, SRV, CNAME and AAAA in Tremor's form") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server);
  c.ask(typed("mx.test", "MX"));
  CHECK(c.reply().payload == value{array{one("MX", "10 mail.test.", 3600)}});
  c.ask(typed("txt.test", "TXT"));
  CHECK(c.reply().payload == value{array{one("TXT", "hello world", 30)}});
  c.ask(typed("srv.test", "SRV"));
  CHECK(c.reply().payload == value{array{one("SRV", "1 2 5060 sip.test.", 40)}});
  c.ask(typed("alias.test", "CNAME"));
  CHECK(c.reply().payload == value{array{one("CNAME", "a.test.", 60)}});
  c.ask(typed("v6only.test", "AAAA"));
  auto r = c.reply();
  CHECK(r.payload == value{array{one("AAAA", "2001:db8::1", 120)}});
  CHECK(r.meta.is_null()); // no $correlation, no meta
}

TEST_CASE("dns_client: a name without A records falls back to AAAA, as trust-dns's lookup_ip does") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server);
  c.ask("v6only.test");
  CHECK(c.reply().payload == value{array{one("AAAA", "2001:db8::1", 120)}});
  CHECK(server.asked("v6only.test A"));
  CHECK(server.asked("v6only.test AAAA"));
}

TEST_CASE("dns_client: a CNAME chain comes back whole") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server);
  c.ask("alias.test");
  CHECK(c.reply().payload == value{array{one("CNAME", "a.test.", 60), one("A", "10.0.0.1", 300),
                                         one("A", "10.0.0.2", 300)}});
}

TEST_CASE("dns_client: an unknown name goes to err with the request, the reason and $correlation") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server);
  c.ask(typed("nx.test", "A"), 42);
  auto r = c.reply();
  CHECK(r.port == "err");
  REQUIRE(r.payload.is_record());
  CHECK(*r.payload.get("request") == typed("nx.test", "A"));
  const std::string& why = r.payload.get("error")->as_string();
  CHECK(why.find("`nx.test` (A): Domain name not found") != std::string::npos);
  CHECK(*r.meta.get("correlation") == value(42));
  CHECK(*r.meta.get("error") == value(why));
}

TEST_CASE("dns_client: a server that never answers fails the lookup on err within its timeout") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server, /*timeout_ms=*/400);
  const auto start = std::chrono::steady_clock::now();
  c.ask("silent.test", "s");
  auto r = c.reply(5s);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(r.port == "err");
  CHECK(r.payload.get("error")->as_string() == "no answer within 400 ms");
  CHECK(*r.meta.get("correlation") == value("s"));
  // The client keeps answering after a timeout.
  c.ask("a.test");
  CHECK(c.reply().port == "out");
}

TEST_CASE("dns_client: localhost and addresses answer without a server, with trust-dns's TTL") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server);
  c.ask("localhost");
  CHECK(c.reply().payload == value{array{one("A", "127.0.0.1", 86400)}});
  c.ask(typed("localhost", "AAAA"));
  CHECK(c.reply().payload == value{array{one("AAAA", "::1", 86400)}});
  c.ask(typed("app.localhost", "A"));
  CHECK(c.reply().payload == value{array{one("A", "127.0.0.1", 86400)}});
  c.ask("192.0.2.7");
  CHECK(c.reply().payload == value{array{one("A", "192.0.2.7", 86400)}});
  c.ask("2001:DB8::7");
  CHECK(c.reply().payload == value{array{one("AAAA", "2001:db8::7", 86400)}});
  // Only the marker lookup reached the server.
  c.ask("a.test");
  c.reply();
  std::string line;
  REQUIRE(server.proc.read_line(line));
  CHECK(line == "query a.test A");
}

TEST_CASE("dns_client: a bad request goes to err, the event itself is done") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server);
  CHECK(c.ask(typed("a.test", "BOGUS"), 1) == sink_outcome::done);
  auto r = c.reply();
  CHECK(r.port == "err");
  CHECK(r.payload.get("error")->as_string() == "Invalid or unsupported record type: BOGUS");
  event no_lookup;
  no_lookup.meta = value{record{{"correlation", 2}}};
  CHECK(c.conn->write("in", no_lookup, c.ser) == sink_outcome::done);
  r = c.reply();
  CHECK(r.port == "err");
  CHECK(r.payload.get("request")->is_null());
  CHECK(r.payload.get("error")->as_string().find("no `$dns.lookup`") != std::string::npos);
  CHECK(*r.meta.get("correlation") == value(2));
}

TEST_CASE("dns_client: replies wait while the source is paused and come on resume") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server, 3000, /*resume=*/false);
  c.ask("a.test");
  REQUIRE(server.asked("a.test A"));
  CHECK_FALSE(c.ctx->wait([&] { return !c.ctx->values.empty(); }, 300ms));
  c.conn->resume();
  CHECK(c.reply().port == "out");
  // Paused again (the runtime's backpressure): the next reply waits too.
  c.conn->pause();
  c.ask("alias.test");
  REQUIRE(server.asked("alias.test A"));
  CHECK_FALSE(c.ctx->wait([&] { return !c.ctx->values.empty(); }, 300ms));
  c.conn->resume();
  CHECK(c.reply().port == "out");
}

TEST_CASE("dns_client: too many lookups under way trip the circuit breaker, it closes again as they end") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server, /*timeout_ms=*/1500);
  for (int i = 0; i < 1100; ++i)
    REQUIRE(c.ask("silent.test") == sink_outcome::done);
  REQUIRE(c.ctx->wait([&] { return !c.ctx->breaker.empty(); }, 5s));
  CHECK(c.ctx->breaker.front() == false);
  REQUIRE(c.ctx->wait([&] { return c.ctx->breaker.size() == 2; }, 10s));
  CHECK(c.ctx->breaker.back() == true);
  REQUIRE(c.ctx->wait([&] { return c.ctx->values.size() == 1100; }, 10s));
  for (const auto& v : c.ctx->values)
    CHECK(v.port == "err");
}

TEST_CASE("dns_client: a reconnect makes a fresh resolver that works") {
  dns_server server;
  REQUIRE(server.port != 0);
  client c(server);
  c.conn->connect();
  REQUIRE(c.ctx->wait_connect_outcome());
  c.ask("a.test");
  CHECK(c.reply().port == "out");
}

TEST_CASE("dns_client: config errors name the key") {
  auto err_of = [](value config) {
    auto ctx = std::make_shared<recording_context>();
    std::string err;
    CHECK(ws::testing::make_connector(dns::dns_client_descriptor(), std::move(config), ctx, 4, err) ==
          nullptr);
    return err;
  };
  CHECK(err_of(value{record{{"servers", value{array{"dns.example:53"}}}}})
          .find("`servers[0]`: `dns.example` is not an IP address") != std::string::npos);
  CHECK(err_of(value{record{{"servers", value{array{5}}}}}).find("`servers[0]` must be a string") !=
        std::string::npos);
  CHECK(err_of(value{record{{"timeout_ms", 0}}}).find("`timeout_ms` must be at least 1") !=
        std::string::npos);
  CHECK(err_of(value{record{{"server", 1}}}).find("did you mean `servers`") != std::string::npos);
}

TEST_CASE("dns_client: servers default to port 53 and IPv6 is bracketed") {
  dns::dns_client_config cfg;
  std::string err;
  REQUIRE(cfg.parse(value{record{{"servers", value{array{"10.0.0.1", "[::1]:5353"}}}, {"timeout_ms", 5}}}, err));
  CHECK(cfg.servers_csv() == "10.0.0.1:53,[::1]:5353");
}

}
