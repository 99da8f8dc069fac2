#pragma once

// Test doubles for the http connectors, on top of the ws ones: a context
// that keeps structured events (with their port), acks and fails; fixtures
// for a server and a client on the shared test pools; a responder that
// plays the pipeline (echoing requests back as responses); and runners for
// the real peers (curl, Python).

#include <atomic>
#include <functional>
#include <thread>

#include "tests/connectors/ws/test_support.hpp"

namespace temblor::connectors::http::testing {

using ws::testing::child_process;
using ws::testing::make_cert;
using ws::testing::peer_script;
using ws::testing::temp_dir;
using ws::testing::test_start;
using namespace std::chrono_literals;

struct received_event {
  std::string port; ///< "out" or "err"
  uint64_t stream = 0;
  value payload;
  value meta;
};

class recording_context : public ws::testing::fake_context {
public:
  void receive_value(uint64_t stream, value payload, value meta) override;
  void emit(std::string port, uint64_t stream, value payload, value meta) override;
  void ack(const event_id& id) override;
  void fail(const event_id& id) override;

  /// Takes the oldest event, waiting up to `timeout`.
  bool pop_event(received_event& out, std::chrono::milliseconds timeout = 10s);
  /// Returns counter `name`.
  uint64_t count(const std::string& name);
  /// Whether a log line contains `text`.
  bool logged(const std::string& text);

  std::deque<received_event> events;
  std::vector<event_id> acks;
  std::vector<event_id> fails;
};

/// An http_server on 127.0.0.1 (a free port), connected and resumed.
struct server_fixture {
  static constexpr uint64_t source_id = 7;
  /// `config` is merged over {"url": "http://127.0.0.1:0"}.
  explicit server_fixture(value config = value(), bool linked = true);
  ~server_fixture();
  /// `http://127.0.0.1:port` + path (or https://localhost when `tls`).
  std::string url(const std::string& path = "/", bool tls = false) const;

  std::shared_ptr<recording_context> ctx = std::make_shared<recording_context>();
  std::unique_ptr<connector> conn;
  ws::testing::echo_serializer ser;
  std::string err;
  uint16_t port = 0;
};

/// Plays the pipeline between the server's `out` and `in` on a thread of
/// its own: every request event is written back, after `shape` (if given)
/// edited it; `shape` may return several events (a chunked response) or
/// none (no response).
class responder {
public:
  using shaper = std::function<std::vector<event>(event)>;
  explicit responder(server_fixture& f, shaper shape = {});
  ~responder();
  /// Events handed to write() so far.
  size_t written() const { return written_.load(); }

private:
  server_fixture& f_;
  shaper shape_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> written_{0};
  std::thread thread_;
};

/// Builds the event a pipeline would pass back for a request event.
event reply_to(const received_event& request, uint64_t source_id);

/// Sets `$http_server.response` on `ev`.
void set_response(event& ev, value response);

/// Runs `argv` to its end; returns the exit code and puts stdout in `out`.
int run(const std::vector<std::string>& argv, std::string& out,
        std::chrono::milliseconds timeout = 60s);
/// Runs curl with `args` (after -s -S); stdout in `out`.
int curl(const std::vector<std::string>& args, std::string& out);
/// Runs tests/peers/py_http_probe.py SCENARIO PORT ARGS…
int probe(const std::string& scenario, uint16_t port, const std::vector<std::string>& args,
          std::string& out, std::chrono::milliseconds timeout = 60s);

/// Starts tests/peers/py_http_server.py MODE (with TLS when cert/key are given)
/// and reads its port.
struct python_server {
  explicit python_server(const std::string& mode, const std::string& cert = {},
                         const std::string& key = {});
  std::unique_ptr<child_process> proc;
  uint16_t port = 0;
  std::string url(const std::string& path = "/", bool tls = false) const;
};

/// An http_client with `config`, started and connected.
struct client_fixture {
  explicit client_fixture(value config);
  ~client_fixture();
  /// Writes one event and flushes; returns the outcome.
  sink_outcome send(value payload, value meta = value(), bool transactional = true);

  std::shared_ptr<recording_context> ctx = std::make_shared<recording_context>();
  std::unique_ptr<connector> conn;
  ws::testing::echo_serializer ser;
  std::string err;
  uint64_t next_pull = 0;
  std::vector<event> sent;
};

/// Open file descriptors of this process.
size_t open_fds();

/// Follows `keys` into `v`; a missing key gives a null value (so a CHECK
/// fails instead of crashing).
const value* path(const value& v, std::initializer_list<const char*> keys);

} // namespace temblor::connectors::http::testing
