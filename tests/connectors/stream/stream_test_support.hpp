#pragma once

// Helpers for the stream connector tests (tcp_*, unix_socket_*): a context
// that also records acks and fails, a started server, a blocking socket
// peer with deadlines, and the certificates and peer scripts. Builds on
// the ws tests' doubles (fake_context, child_process, temp_dir…).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/connectors/ws/test_support.hpp"

namespace temblor::connectors::stream_testing {

using namespace std::chrono_literals;
using ws::testing::child_process;
using ws::testing::echo_serializer;
using ws::testing::fake_context;
using ws::testing::make_event;
using ws::testing::received_frame;
using ws::testing::temp_dir;
using ws::testing::test_start;

/// A fake_context that also records what a sink acked and failed.
class recording_context : public fake_context {
public:
  void ack(const event_id& id) override;
  void fail(const event_id& id) override;
  /// The current value of counter `name` (0 if never bumped).
  uint64_t count(std::string_view name);
  /// Everything received so far on each stream, concatenated (a read may
  /// split a line anywhere).
  std::map<uint64_t, std::string> bytes_by_stream();
  /// Whether any log line contains `text`.
  bool logged(std::string_view text);

  std::vector<event_id> acks;
  std::vector<event_id> fails;
};

/// A server connector (tcp_server or unix_socket_server) started, connected
/// and resumed on the test pools; `ok` when it listens.
struct server_under_test {
  static constexpr uint64_t source_id = 7;
  server_under_test(const connector_descriptor& d, value config, bool link = true);
  ~server_under_test();

  std::shared_ptr<recording_context> ctx = std::make_shared<recording_context>();
  std::unique_ptr<connector> conn;
  echo_serializer ser;
  std::string err;
  uint16_t port = 0; ///< a TCP server's port
  bool ok = false;
};

/// A client connector (tcp_client or unix_socket_client) started and asked
/// to connect once; `ok` when it did.
struct client_under_test {
  static constexpr uint64_t source_id = 9;
  explicit client_under_test(const connector_descriptor& d, value config);
  ~client_under_test();
  /// Asks for one more connect and waits for its outcome.
  bool reconnect();
  /// The reason of the last connect failure ("" if none).
  std::string last_failure();

  std::shared_ptr<recording_context> ctx = std::make_shared<recording_context>();
  std::unique_ptr<connector> conn;
  echo_serializer ser;
  std::string err;
  bool ok = false;
};

/// Writes back every frame a server received as a reply (the echo flow:
/// server -> passthrough -> server) until `done()` or the timeout; returns
/// how many replies were written.
size_t echo_until(server_under_test& s, const std::function<bool()>& done,
                  std::chrono::milliseconds timeout = 60s);

/// A blocking socket to a server under test, with a deadline on every wait.
class raw_peer {
public:
  static raw_peer tcp(uint16_t port);
  static raw_peer unix_socket(const std::string& path);
  raw_peer(raw_peer&& other) noexcept;
  raw_peer& operator=(raw_peer&&) = delete;
  ~raw_peer();

  bool ok() const { return fd_ >= 0; }
  uint16_t local_port() const;
  bool send(std::string_view data);
  /// Reads until `out` holds at least `n` bytes.
  bool read(size_t n, std::string& out, std::chrono::milliseconds timeout = 10s);
  /// Waits until the server closes the connection (EOF or reset).
  bool wait_closed(std::chrono::milliseconds timeout = 10s);
  void shutdown_write();
  /// Closes with a reset (SO_LINGER 0) instead of a FIN.
  void reset();

private:
  explicit raw_peer(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// Polls `pred` every 10 ms until it holds or `timeout` passes, for state
/// nothing notifies about (a port that stops accepting).
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s);

/// `/usr/bin/python3` and a script under tests/peers.
std::vector<std::string> python_peer(const std::string& script, std::vector<std::string> args);
/// Makes the TLS tests' certificates (see make_certs.sh) in `dir`.
bool make_test_certs(const temp_dir& dir);
/// A free TCP port on 127.0.0.1 (bound once, then released).
uint16_t free_port();

} // namespace temblor::connectors::stream_testing
