#include "tests/connectors/ws/test_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include <asio/error.hpp>
#include <asio/ssl/error.hpp>
#include <openssl/ssl.h>
#include <websocketpp/error.hpp>
#include <websocketpp/processors/base.hpp>
#include <websocketpp/transport/asio/base.hpp>
#include <websocketpp/transport/asio/security/base.hpp>
#include <websocketpp/transport/base/connection.hpp>

#include "connectors/ws/ws_client.hpp"
#include "connectors/ws/ws_server.hpp"

extern char** environ;

namespace temblor::connectors::ws::testing {

// -- fake_context -------------------------------------------------------------

void fake_context::log(log_level, std::string message) {
  std::lock_guard<std::mutex> g(mtx);
  logs.push_back(std::move(message));
  cv.notify_all();
}

void fake_context::connected() {
  std::lock_guard<std::mutex> g(mtx);
  ++connects;
  outcomes.push_back(true);
  cv.notify_all();
}

void fake_context::connect_failed(std::string reason) {
  std::lock_guard<std::mutex> g(mtx);
  connect_failures.push_back(std::move(reason));
  outcomes.push_back(false);
  cv.notify_all();
}

void fake_context::connection_lost(std::string reason) {
  std::lock_guard<std::mutex> g(mtx);
  lost.push_back(std::move(reason));
  cv.notify_all();
}

void fake_context::receive_bytes(uint64_t stream, std::string data, value meta) {
  std::lock_guard<std::mutex> g(mtx);
  sequence.push_back("bytes:" + data);
  frames.push_back(received_frame{stream, std::move(data), std::move(meta)});
  cv.notify_all();
}

void fake_context::receive_value(uint64_t stream, value payload, value meta) {
  const std::string* text = payload.get_text();
  receive_bytes(stream, text ? *text : std::string(), std::move(meta));
}

void fake_context::stream_finished(uint64_t stream) {
  std::lock_guard<std::mutex> g(mtx);
  finished.push_back(stream);
  sequence.push_back("end:" + std::to_string(stream));
  cv.notify_all();
}

void fake_context::ack(const event_id& id) {
  std::lock_guard<std::mutex> g(mtx);
  acks.push_back(id);
  cv.notify_all();
}

void fake_context::fail(const event_id& id) {
  std::lock_guard<std::mutex> g(mtx);
  fails.push_back(id);
  cv.notify_all();
}

uint64_t fake_context::counted(std::string_view name) {
  std::lock_guard<std::mutex> g(mtx);
  auto it = counters.find(name);
  return it == counters.end() ? 0 : it->second.load();
}

bool fake_context::logged(const std::string& text, std::chrono::milliseconds timeout) {
  return wait(
      [&] {
        for (const auto& l : logs)
          if (l.find(text) != std::string::npos)
            return true;
        return false;
      },
      timeout);
}

void fake_context::circuit_breaker(bool open_for_traffic) {
  std::lock_guard<std::mutex> g(mtx);
  breaker.push_back(open_for_traffic);
  cv.notify_all();
}

bool fake_context::wait(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mtx);
  return cv.wait_for(lk, timeout, pred);
}

bool fake_context::wait_connect_outcome(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mtx);
  if (!cv.wait_for(lk, timeout, [&] { return outcomes.size() > outcomes_seen; }))
    return false;
  return outcomes[outcomes_seen++];
}

bool fake_context::pop(received_frame& out, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mtx);
  if (!cv.wait_for(lk, timeout, [&] { return !frames.empty(); }))
    return false;
  out = std::move(frames.front());
  frames.pop_front();
  return true;
}

uint16_t fake_context::listening_port() {
  uint16_t port = 0;
  wait([&] {
    for (const auto& l : logs) {
      auto at = l.find("listening on ");
      if (at == std::string::npos)
        continue;
      auto colon = l.rfind(':');
      port = static_cast<uint16_t>(std::stoi(l.substr(colon + 1)));
      return true;
    }
    return false;
  });
  return port;
}

// -- echo_serializer ------------------------------------------------------------

bool echo_serializer::serialize(uint64_t, const value& v, uint64_t, std::vector<std::string>& out,
                                std::string& err) {
  const std::string* text = v.get_text();
  if (text == nullptr) {
    err = "not a string";
    return false;
  }
  out.push_back(*text);
  return true;
}

void echo_serializer::finish_stream(uint64_t stream, std::vector<std::string>&) {
  finished.push_back(stream);
}

event make_event(uint64_t source, uint64_t stream, std::string data, value meta, bool binary) {
  static uint64_t pull = 0;
  event ev;
  ev.payload = binary ? value(bytes{std::move(data)}) : value(std::move(data));
  ev.meta = std::move(meta);
  ev.id = event_id(source, stream, pull++);
  ev.ingest_ns = now_ns();
  return ev;
}

// -- temp_dir / certificates ------------------------------------------------------

temp_dir::temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "temblor-ws-XXXXXX").string();
  if (char* p = mkdtemp(tmpl.data()))
    path_ = p;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  if (!path_.empty())
    std::filesystem::remove_all(path_, ec);
}

bool make_cert(const temp_dir& dir, const std::string& name, const std::string& cn) {
  child_process p({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                   "-addext", "subjectAltName=DNS:" + cn + ",IP:127.0.0.1", "-keyout",
                   dir.file(name + ".key.pem"), "-out", dir.file(name + ".cert.pem")},
                  /*quiet=*/true);
  return p.wait() == 0;
}

bool make_custom_cert(const temp_dir& dir, const std::string& name,
                      const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/python3", peer_script("make_cert.py"), dir.file(name)};
  argv.insert(argv.end(), args.begin(), args.end());
  child_process p(argv, /*quiet=*/false);
  return p.wait() == 0;
}

// -- child_process ------------------------------------------------------------------

child_process::child_process(const std::vector<std::string>& argv, bool quiet) {
  int fds[2];
  if (pipe(fds) != 0)
    return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  if (quiet)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) == 0)
    pid_ = pid;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  out_fd_ = fds[0];
}

child_process::~child_process() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  if (out_fd_ >= 0)
    close(out_fd_);
}

bool child_process::read_line(std::string& line, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto nl = buf_.find('\n'); nl != std::string::npos) {
      line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      return true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || out_fd_ < 0)
      return false;
    pollfd pfd{out_fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
      return false;
    char chunk[4096];
    ssize_t n = ::read(out_fd_, chunk, sizeof(chunk));
    if (n <= 0) {
      if (!buf_.empty()) {
        line.swap(buf_);
        buf_.clear();
        return true;
      }
      return false;
    }
    buf_.append(chunk, static_cast<size_t>(n));
  }
}

bool child_process::exited() {
  if (reaped_)
    return true;
  if (pid_ <= 0)
    return true;
  if (waitpid(pid_, &status_, WNOHANG) == pid_)
    reaped_ = true;
  return reaped_;
}

int child_process::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0)
    return -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      reaped_ = true;
      return -1;
    }
    std::this_thread::sleep_for(10ms);
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

std::string peer_script(const std::string& name) {
  // Tests run with the source tree as working directory (ctest sets it).
  return (std::filesystem::current_path() / "tests" / "peers" / name).string();
}

bool node_peers_available() {
  child_process p({"node", "--version"}, true);
  return p.wait(10s) == 0 &&
         std::filesystem::exists(peer_script("node_modules/ws/package.json"));
}

std::unique_ptr<connector> make_connector(const connector_descriptor& d, value config,
                                          const std::shared_ptr<fake_context>& ctx,
                                          uint64_t source_id, std::string& err) {
  connector_args args;
  args.alias = ctx->alias_;
  args.source_id = source_id;
  args.config = std::move(config);
  args.context = ctx;
  return connectors::make_connector(d, std::move(args), err);
}

io::services test_services() {
  // Statics die in the reverse order of their construction, and OpenSSL's
  // clean-up runs among them: what the loop threads use (OpenSSL, Asio's
  // error categories) must exist before the pools so that it outlives them
  // (the threads are joined first at exit).
  static const bool ready = [] {
    OPENSSL_init_ssl(0, nullptr);
    (void)asio::system_category();
    (void)asio::error::get_misc_category();
    (void)asio::error::get_netdb_category();
    (void)asio::error::get_addrinfo_category();
    (void)asio::error::get_ssl_category();
    (void)websocketpp::error::get_category();
    (void)websocketpp::transport::error::get_category();
    (void)websocketpp::transport::asio::error::get_category();
    (void)websocketpp::transport::asio::socket::get_socket_category();
    (void)websocketpp::processor::error::get_processor_category();
    return true;
  }();
  (void)ready;
  static io::pools pools(2, 2);
  return pools.get();
}

start_args test_start(bool sink_linked, bool source_linked) {
  start_args args;
  args.services = test_services();
  args.sink_linked = sink_linked;
  args.source_linked = source_linked;
  return args;
}

std::atomic<uint64_t>& fake_context::counter(std::string_view name) {
  std::lock_guard<std::mutex> guard(mtx);
  auto it = counters.find(name);
  if (it == counters.end())
    it = counters.try_emplace(std::string(name), 0).first;
  return it->second;
}

server_fixture::server_fixture(value config, bool link) {
  if (config.is_null())
    config = value(record{{"url", "127.0.0.1:0"}});
  conn = make_connector(ws_server_descriptor(), std::move(config), ctx, source_id, err);
  if (!conn)
    return;
  conn->start(test_start(link));
  conn->connect();
  if (ctx->wait_connect_outcome())
    port = ctx->listening_port();
  conn->resume();
}

std::string server_fixture::url(bool tls) const {
  return tls ? "wss://localhost:" + std::to_string(port) : "ws://127.0.0.1:" + std::to_string(port);
}

client_fixture::client_fixture(value config) {
  conn = make_connector(ws_client_descriptor(), std::move(config), ctx, source_id, err);
  if (!conn)
    return;
  conn->start(test_start());
  conn->connect();
  ok = ctx->wait_connect_outcome();
  conn->resume();
}

size_t run_echo(connector& c, fake_context& ctx, serializer& ser, uint64_t source_id,
                const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  size_t echoed = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    received_frame f;
    if (!ctx.pop(f, 20ms))
      continue;
    const value* bin = f.meta.get("binary");
    bool binary = bin != nullptr && bin->is_bool() && bin->as_bool();
    event ev = make_event(source_id, f.stream, std::move(f.data), std::move(f.meta), binary);
    if (c.write("in", ev, ser) == sink_outcome::done)
      ++echoed;
  }
  return echoed;
}

} // namespace temblor::connectors::ws::testing
