#include "tests/connectors/http/http_test_support.hpp"

#include <dirent.h>

#include "connectors/http/http_client.hpp"
#include "connectors/http/http_server.hpp"

namespace temblor::connectors::http::testing {

// -- recording_context ---------------------------------------------------------------

void recording_context::receive_value(uint64_t stream, value payload, value meta) {
  emit("out", stream, std::move(payload), std::move(meta));
}

void recording_context::emit(std::string port, uint64_t stream, value payload, value meta) {
  std::lock_guard<std::mutex> g(mtx);
  events.push_back(received_event{std::move(port), stream, std::move(payload), std::move(meta)});
  cv.notify_all();
}

void recording_context::ack(const event_id& id) {
  std::lock_guard<std::mutex> g(mtx);
  acks.push_back(id);
  cv.notify_all();
}

void recording_context::fail(const event_id& id) {
  std::lock_guard<std::mutex> g(mtx);
  fails.push_back(id);
  cv.notify_all();
}

bool recording_context::pop_event(received_event& out, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mtx);
  if (!cv.wait_for(lk, timeout, [&] { return !events.empty(); }))
    return false;
  out = std::move(events.front());
  events.pop_front();
  return true;
}

uint64_t recording_context::count(const std::string& name) {
  return counter(name).load();
}

bool recording_context::logged(const std::string& text) {
  std::lock_guard<std::mutex> g(mtx);
  for (const auto& l : logs)
    if (l.find(text) != std::string::npos)
      return true;
  return false;
}

// -- server_fixture ----------------------------------------------------------------------

server_fixture::server_fixture(value config, bool linked) {
  record cfg{{"url", "http://127.0.0.1:0"}};
  if (config.is_record())
    for (const auto& [k, v] : config.as_record())
      cfg.set(k, v);
  conn = ws::testing::make_connector(http_server_descriptor(), value(std::move(cfg)), ctx,
                                     source_id, err);
  if (!conn)
    return;
  conn->start(test_start(linked));
  conn->connect();
  if (ctx->wait_connect_outcome())
    port = ctx->listening_port();
  conn->resume();
}

server_fixture::~server_fixture() {
  if (conn)
    conn->stop();
}

std::string server_fixture::url(const std::string& path, bool tls) const {
  return (tls ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(port) + path;
}

// -- responder -----------------------------------------------------------------------------

event reply_to(const received_event& request, uint64_t source_id) {
  static std::atomic<uint64_t> pull{0};
  event ev;
  ev.payload = request.payload;
  ev.meta = request.meta;
  ev.id = event_id(source_id, request.stream, pull++);
  ev.ingest_ns = now_ns();
  return ev;
}

void set_response(event& ev, value response) {
  value* hs = ev.meta.get("http_server");
  if (hs == nullptr)
    hs = &ev.meta.set("http_server", value(record{}));
  hs->set("response", std::move(response));
}

responder::responder(server_fixture& f, shaper shape)
  : f_(f), shape_(std::move(shape)), thread_([this] {
      while (!stop_) {
        received_event req;
        if (!f_.ctx->pop_event(req, 20ms))
          continue;
        if (req.port != "out")
          continue;
        std::vector<event> replies;
        if (shape_)
          replies = shape_(reply_to(req, server_fixture::source_id));
        else
          replies.push_back(reply_to(req, server_fixture::source_id));
        for (auto& ev : replies) {
          f_.conn->write("in", ev, f_.ser);
          ++written_;
        }
        f_.conn->flush();
      }
    }) {}

responder::~responder() {
  stop_ = true;
  thread_.join();
}

// -- peers ----------------------------------------------------------------------------------

int run(const std::vector<std::string>& argv, std::string& out,
        std::chrono::milliseconds timeout) {
  child_process p(argv, /*quiet=*/true);
  out.clear();
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!p.read_line(line, left))
      break;
    if (!out.empty())
      out += "\n";
    out += line;
  }
  return p.wait(5s);
}

int curl(const std::vector<std::string>& args, std::string& out) {
  std::vector<std::string> argv{"curl", "-s", "-S", "--stderr", "-", "--max-time", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, out);
}

int probe(const std::string& scenario, uint16_t port, const std::vector<std::string>& args,
          std::string& out, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{"/usr/bin/python3", peer_script("py_http_probe.py"), scenario,
                                std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, out, timeout);
}

python_server::python_server(const std::string& mode, const std::string& cert,
                             const std::string& key) {
  std::vector<std::string> argv{"/usr/bin/python3", peer_script("py_http_server.py"), mode};
  if (!cert.empty()) {
    argv.push_back("--tls");
    argv.push_back(cert);
    argv.push_back(key);
  }
  proc = std::make_unique<child_process>(argv, /*quiet=*/true);
  std::string line;
  if (proc->read_line(line, 20s) && line.rfind("port ", 0) == 0)
    port = static_cast<uint16_t>(std::stoi(line.substr(5)));
}

std::string python_server::url(const std::string& path, bool tls) const {
  return (tls ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(port) + path;
}

// -- client_fixture -------------------------------------------------------------------------

client_fixture::client_fixture(value config) {
  conn = ws::testing::make_connector(http_client_descriptor(), std::move(config), ctx, 9, err);
  if (!conn)
    return;
  conn->start(test_start());
  conn->connect();
  ctx->wait_connect_outcome();
}

client_fixture::~client_fixture() {
  if (conn)
    conn->stop();
}

sink_outcome client_fixture::send(value payload, value meta, bool transactional) {
  event ev;
  ev.payload = std::move(payload);
  ev.meta = std::move(meta);
  ev.id = event_id(3, 0, next_pull++);
  ev.transactional = transactional;
  ev.ingest_ns = now_ns();
  auto outcome = conn->write("in", ev, ser);
  conn->flush();
  sent.push_back(std::move(ev));
  return outcome;
}

// -- misc -------------------------------------------------------------------------------------

size_t open_fds() {
  size_t n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr)
      ++n;
    closedir(d);
  }
  return n;
}

const value* path(const value& v, std::initializer_list<const char*> keys) {
  static const value missing;
  const value* at = &v;
  for (const char* k : keys) {
    at = at->get(k);
    if (at == nullptr)
      return &missing;
  }
  return at;
}

} // namespace temblor::connectors::http::testing
