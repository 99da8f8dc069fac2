// The TLS matrix of tcp_server and tcp_client, against Python's ssl and the
// openssl command line, with certificates made for each run.

#include <doctest/doctest.h>

#include <optional>

#include "connectors/tcp/tcp_client.hpp"
#include "connectors/tcp/tcp_server.hpp"
#include "tests/connectors/stream/stream_test_support.hpp"

using namespace temblor;
using namespace temblor::connectors;
using namespace temblor::connectors::stream_testing;

namespace {

/// This run's certificates (see make_certs.sh).
struct certs {
  certs() { ok = make_test_certs(dir); }
  std::string operator()(const std::string& name) const { return dir.file(name); }
  temp_dir dir;
  bool ok = false;
};

value tls_server_config(const certs& c, const std::string& cert = "server.pem",
                        const std::string& key = "server.key", record extra = {}) {
  record cfg{{"url", "127.0.0.1:0"}, {"tls", record{{"cert", c(cert)}, {"key", c(key)}}}};
  for (const auto& [k, v] : extra)
    cfg.set(k, v);
  return value(std::move(cfg));
}

/// A TLS server run by py_line_server.py with `cert`, echoing lines.
struct tls_line_server {
  tls_line_server(const certs& c, const std::string& cert, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--echo"};
    if (!cert.empty())
      args.insert(args.end(), {"--tls", c(cert), c("server.key")});
    args.insert(args.end(), extra.begin(), extra.end());
    proc.emplace(python_peer("py_line_server.py", args));
    std::string first;
    if (proc->read_line(first) && first.rfind("port ", 0) == 0)
      port = std::to_string(std::stoi(first.substr(5)));
  }
  std::optional<child_process> proc;
  std::string port;
};

/// Connects a tcp_client with `tls` to 127.0.0.1:port under `host`.
std::string client_failure(const std::string& host, const std::string& port, value tls,
                           uint64_t timeout_ms = 3000) {
  client_under_test cl(tcp::tcp_client_descriptor(),
                       value(record{{"url", host + ":" + port},
                                    {"tls", std::move(tls)},
                                    {"connect_timeout_ms", timeout_ms}}));
  if (cl.ok)
    return "connected";
  return cl.err.empty() ? cl.last_failure() : cl.err;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("connectors.tcp.tls") {

TEST_CASE("tcp_server speaks TLS to Python ssl and openssl s_client") {
  certs c;
  REQUIRE(c.ok);
  server_under_test srv(tcp::tcp_server_descriptor(), tls_server_config(c));
  REQUIRE_MESSAGE(srv.ok, srv.err);
  CHECK(srv.ctx->logged("listening on tls://127.0.0.1:"));
  const std::string port = std::to_string(srv.port);
  child_process py(python_peer("py_tcp_clients.py", {"--port", port, "--tls", c("ca.pem"),
                                                     "--conns", "20", "--lines", "5"}));
  child_process s_client({"sh", "-c", "printf 'over openssl\\n' | openssl s_client -connect 127.0.0.1:" +
                                          port + " -CAfile " + c("ca.pem") +
                                          " -verify_return_error -verify_hostname localhost -quiet"},
                         /*quiet=*/true);
  REQUIRE(srv.ctx->wait([&] { return !srv.ctx->frames.empty(); }));
  {
    std::lock_guard<std::mutex> g(srv.ctx->mtx);
    CHECK(srv.ctx->frames.front().meta.get("tcp_server")->get("tls")->as_bool());
  }
  std::string from_py, from_openssl;
  echo_until(srv, [&] {
    if (from_openssl.empty())
      s_client.read_line(from_openssl, 5ms);
    return py.exited() && !from_openssl.empty();
  });
  CHECK(py.read_line(from_py));
  CHECK(from_py == "ok 20 5");
  CHECK(from_openssl == "over openssl");
  CHECK(srv.ctx->count("tls_handshakes_failed") == 0);
}

TEST_CASE("tcp_server closes plaintext, stalled and TLS 1.1 clients and goes on serving") {
  certs c;
  REQUIRE(c.ok);
  server_under_test srv(tcp::tcp_server_descriptor(),
                        tls_server_config(c, "server.pem", "server.key",
                                          {{"tls_handshake_timeout_ms", 300}}));
  REQUIRE(srv.ok);
  auto plaintext = raw_peer::tcp(srv.port);
  REQUIRE(plaintext.send("GET / HTTP/1.0\r\n\r\n"));
  CHECK(plaintext.wait_closed());
  auto stalled = raw_peer::tcp(srv.port); // connects, then says nothing
  auto before = std::chrono::steady_clock::now();
  CHECK(stalled.wait_closed(5s));
  CHECK(std::chrono::steady_clock::now() - before >= 250ms);
  child_process old({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(srv.port),
                     "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"},
                    /*quiet=*/true);
  CHECK(old.wait() != 0);
  CHECK(srv.ctx->wait([&] { return srv.ctx->counters["tls_handshakes_failed"] >= 3; }));
  CHECK(srv.ctx->logged("no TLS handshake within 300 ms"));
  // None of them became a stream; a good client still gets served.
  CHECK(srv.ctx->finished.empty());
  child_process py(python_peer("py_tcp_clients.py", {"--port", std::to_string(srv.port), "--tls",
                                                     c("ca.pem"), "--conns", "1", "--lines", "1"}));
  echo_until(srv, [&] { return py.exited(); });
  std::string result;
  CHECK(py.read_line(result));
  CHECK(result == "ok 1 1");
}

TEST_CASE("tcp_server and tcp_client refuse missing, garbage and mismatched key files by name") {
  certs c;
  REQUIRE(c.ok);
  struct bad_files {
    std::string cert, key, expect;
  };
  for (const auto& bad : {bad_files{"missing.pem", "server.key", "cannot read file `" + c("missing.pem") + "`"},
                          bad_files{"server.pem", "garbage.key", "cannot load private key file `" + c("garbage.key") + "`"},
                          bad_files{"server.pem", "other.key", "private key file `" + c("other.key") + "` does not match certificate file `" + c("server.pem") + "`"}}) {
    CAPTURE(bad.key);
    auto ctx = std::make_shared<recording_context>();
    std::string err;
    auto server = ws::testing::make_connector(tcp::tcp_server_descriptor(),
                                              tls_server_config(c, bad.cert, bad.key), ctx, 1, err);
    REQUIRE(server);
    CHECK_FALSE(server->check(err)); // what `temblor check` reports
    CHECK_MESSAGE(contains(err, bad.expect), err);
    server_under_test srv(tcp::tcp_server_descriptor(), tls_server_config(c, bad.cert, bad.key));
    CHECK_FALSE(srv.ok);
    CHECK(contains(srv.err, bad.expect));

    auto client = ws::testing::make_connector(
        tcp::tcp_client_descriptor(),
        value(record{{"url", "localhost:1"},
                     {"tls", record{{"cafile", c("ca.pem")}, {"cert", c(bad.cert)}, {"key", c(bad.key)}}}}),
        ctx, 1, err);
    REQUIRE(client);
    err.clear();
    CHECK_FALSE(client->check(err));
    CHECK(contains(err, bad.expect));
  }
  std::string err;
  auto ctx = std::make_shared<recording_context>();
  auto good = ws::testing::make_connector(tcp::tcp_server_descriptor(), tls_server_config(c), ctx, 1, err);
  CHECK(good->check(err));
}

TEST_CASE("tcp_client verifies the server: good, domain, expired, wrong host, unknown CA") {
  certs c;
  REQUIRE(c.ok);
  value trust_ca(record{{"cafile", c("ca.pem")}});

  tls_line_server good(c, "server.pem");
  client_under_test cl(tcp::tcp_client_descriptor(),
                       value(record{{"url", "localhost:" + good.port}, {"tls", trust_ca}}));
  REQUIRE_MESSAGE(cl.ok, cl.last_failure());
  REQUIRE(cl.conn->write("in", make_event(1, 0, "secret\n", value()), cl.ser) == sink_outcome::done);
  received_frame got;
  REQUIRE(cl.ctx->pop(got));
  CHECK(got.data == "secret\n");
  CHECK(got.meta.get("tcp_client")->get("tls")->as_bool());

  tls_line_server elsewhere(c, "wronghost.pem");
  CHECK(contains(client_failure("localhost", elsewhere.port, trust_ca),
                 "server certificate rejected: hostname mismatch (it is not valid for `localhost`"));
  CHECK(client_failure("127.0.0.1", elsewhere.port,
                       value(record{{"cafile", c("ca.pem")}, {"domain", "elsewhere.test"}})) ==
        "connected");

  tls_line_server expired(c, "expired.pem");
  CHECK(contains(client_failure("localhost", expired.port, trust_ca), "certificate has expired"));

  CHECK(contains(client_failure("localhost", good.port, value(record{{"cafile", c("other_ca.pem")}})),
                 "unknown CA: not signed by the CA in `tls.cafile`"));
  // `tls: true` trusts the system's roots, which never signed a test CA.
  CHECK(contains(client_failure("localhost", good.port, value(true)),
                 "not among the system's trusted CAs"));
}

TEST_CASE("tcp_client gives up on plaintext, stalled and TLS 1.1 servers within its timeout") {
  certs c;
  REQUIRE(c.ok);
  value trust_ca(record{{"cafile", c("ca.pem")}});
  tls_line_server plain(c, "");
  CHECK(client_failure("localhost", plain.port, trust_ca, 500) ==
        "cannot connect to localhost:" + plain.port +
            ": no connection within 500 ms (the TLS handshake did not finish)");
  tls_line_server stalled(c, "", {"--stall"});
  CHECK(contains(client_failure("localhost", stalled.port, trust_ca, 500), "no connection within 500 ms"));

  const std::string port = std::to_string(free_port());
  child_process old({"openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", c("server.pem"),
                     "-key", c("server.key"), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"},
                    /*quiet=*/true);
  std::string line;
  while (line != "ACCEPT")
    REQUIRE(old.read_line(line));
  auto failure = client_failure("localhost", port, trust_ca);
  CAPTURE(failure);
  CHECK(contains(failure, "cannot connect to localhost:" + port + ": "));
  CHECK(contains(failure, "TLS handshake failed"));
}

} // TEST_SUITE
