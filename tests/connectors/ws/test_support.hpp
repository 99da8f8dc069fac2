#pragma once

// Test doubles for the ws connectors: a connector_context that records what
// the implementation reports, a pass-through serializer, certificates made
// with the openssl CLI, and a subprocess runner for the real peers.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "connectors/connector.hpp"

namespace temblor::connectors::ws::testing {

using namespace std::chrono_literals;

struct received_frame {
  uint64_t stream = 0;
  std::string data;
  value meta;
};

/// Records every context call; waits are bounded so a broken connector
/// fails the test instead of hanging it.
class fake_context : public connector_context {
public:
  const std::string& alias() const override { return alias_; }
  void log(log_level level, std::string message) override;
  void connected() override;
  void connect_failed(std::string reason) override;
  void connection_lost(std::string reason) override;
  void receive_bytes(uint64_t stream, std::string data, value meta) override;
  void receive_value(uint64_t stream, value payload, value meta) override;
  void stream_finished(uint64_t stream) override;
  void source_finished() override {}
  void ack(const event_id& id) override;
  void fail(const event_id& id) override;
  void circuit_breaker(bool open_for_traffic) override;
  void request_shutdown(uint64_t, bool) override {}
  void emit(std::string, uint64_t, value, value) override {}
  std::atomic<uint64_t>& counter(std::string_view name) override;

  /// Waits until `pred` holds (checked under the lock) or `timeout` passes.
  bool wait(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s);
  /// Waits for the next connect outcome not yet consumed (each connect()
  /// has one): true for connected(), false for a failure or a timeout.
  bool wait_connect_outcome(std::chrono::milliseconds timeout = 10s);
  /// Takes the oldest received frame, waiting up to `timeout`.
  bool pop(received_frame& out, std::chrono::milliseconds timeout = 10s);
  /// Returns the port from the server's "listening on" log line (0 if none).
  uint16_t listening_port();
  /// Returns the current value of counter `name` (0 if never created).
  uint64_t counted(std::string_view name);
  /// Whether a log line contains `text`; waits up to `timeout` for one.
  bool logged(const std::string& text, std::chrono::milliseconds timeout = 0ms);

  std::mutex mtx;
  std::condition_variable cv;
  std::string alias_ = "test::ws";
  std::deque<received_frame> frames;
  std::vector<std::string> logs;
  int connects = 0;
  std::vector<std::string> connect_failures;
  std::vector<std::string> lost;
  std::vector<uint64_t> finished;
  std::vector<bool> breaker; ///< arguments of circuit_breaker(), in order
  std::vector<event_id> acks;
  /// receive_bytes and stream_finished in call order: "bytes:<data>", "end:<stream>".
  std::vector<std::string> sequence;
  std::vector<event_id> fails;
  std::vector<bool> outcomes; ///< connected() = true, connect_failed() = false
  size_t outcomes_seen = 0;
  std::map<std::string, std::atomic<uint64_t>, std::less<>> counters;
};

/// The pools connectors under test run on (two loops, two blocking threads,
/// for the whole test process).
io::services test_services();
/// Start arguments on test_services().
start_args test_start(bool sink_linked = true, bool source_linked = true);

/// Frames a string or bytes payload as itself (the `string` codec without
/// postprocessors); records finished streams.
class echo_serializer : public serializer {
public:
  bool serialize(uint64_t stream, const value& v, uint64_t ingest_ns,
                 std::vector<std::string>& frames, std::string& err) override;
  void finish_stream(uint64_t stream, std::vector<std::string>& frames) override;
  std::vector<uint64_t> finished;
};

/// Builds an event that came from `source`'s `stream` carrying `data`.
event make_event(uint64_t source, uint64_t stream, std::string data, value meta,
                 bool binary = false);

/// A fresh temporary directory, removed with everything in it at the end.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

/// Makes a self-signed ECDSA P-256 certificate for `cn` (SAN localhost and
/// 127.0.0.1) as `<name>.cert.pem` / `<name>.key.pem` in `dir`.
bool make_cert(const temp_dir& dir, const std::string& name, const std::string& cn = "localhost");

/// Makes a certificate with tests/peers/make_cert.py (any validity period,
/// SANs, issuer): `args` are its options, e.g. {"--valid-to", "-1"}.
bool make_custom_cert(const temp_dir& dir, const std::string& name,
                      const std::vector<std::string>& args);

/// A child process with its stdout read line by line.
class child_process {
public:
  /// Starts `argv` (argv[0] is looked up in PATH); stderr goes to ours
  /// unless `quiet`.
  explicit child_process(const std::vector<std::string>& argv, bool quiet = false);
  ~child_process();
  bool started() const { return pid_ > 0; }
  /// Reads one stdout line, waiting up to `timeout`; false on EOF/timeout.
  bool read_line(std::string& line, std::chrono::milliseconds timeout = 20s);
  /// Waits for the exit (killing it after `timeout`); returns the exit code.
  int wait(std::chrono::milliseconds timeout = 60s);
  /// Whether the process has exited (non-blocking).
  bool exited();

private:
  int pid_ = -1;
  int out_fd_ = -1;
  std::string buf_;
  int status_ = -1;
  bool reaped_ = false;
};

/// Absolute path of a file under tests/peers.
std::string peer_script(const std::string& name);
/// Whether the Node peers can run (node on PATH and `ws` installed).
bool node_peers_available();

/// Builds `d` with `config` on `ctx` (checked against its schema); nullptr
/// with `err` on a bad config.
std::unique_ptr<connector> make_connector(const connector_descriptor& d, value config,
                                          const std::shared_ptr<fake_context>& ctx,
                                          uint64_t source_id, std::string& err);

/// A ws_server on 127.0.0.1 (port 0), linked and connected.
struct server_fixture {
  static constexpr uint64_t source_id = 7;
  explicit server_fixture(value config = value(), bool link = true);
  /// `ws://127.0.0.1:port` (or wss://localhost:port when TLS is on).
  std::string url(bool tls = false) const;

  std::shared_ptr<fake_context> ctx = std::make_shared<fake_context>();
  std::unique_ptr<connector> conn;
  echo_serializer ser;
  std::string err;
  uint16_t port = 0;
};

/// A ws_client to `url`, connected (check `ok`).
struct client_fixture {
  static constexpr uint64_t source_id = 9;
  explicit client_fixture(value config);

  std::shared_ptr<fake_context> ctx = std::make_shared<fake_context>();
  std::unique_ptr<connector> conn;
  echo_serializer ser;
  std::string err;
  bool ok = false;
};

/// Feeds every received frame back through `c.write()` as a reply until
/// `done()` returns true, like an echo flow (ws_server → passthrough →
/// ws_server); returns how many frames were echoed.
size_t run_echo(connector& c, fake_context& ctx, serializer& ser, uint64_t source_id,
                const std::function<bool()>& done, std::chrono::milliseconds timeout = 60s);

} // namespace temblor::connectors::ws::testing
