// Echo server for side-by-side benchmarks of the ws_server connector alone
// (no CAF runtime): one thread plays the connector actor, taking received
// frames in batches and writing them back, like ws_server → passthrough →
// ws_server. Usage: ws_echo_bench PORT. Not a test; see ../shared/bench.

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "connectors/ws/ws_server.hpp"

using namespace temblor;
using namespace temblor::connectors;

namespace {

struct frame {
  uint64_t stream;
  std::string data;
  value meta;
};

class echo_context : public connector_context {
public:
  const std::string& alias() const override { return alias_; }
  void log(log_level, std::string message) override { std::fprintf(stderr, "%s\n", message.c_str()); }
  void connected() override {}
  void connect_failed(std::string reason) override {
    std::fprintf(stderr, "%s\n", reason.c_str());
    std::exit(1);
  }
  void connection_lost(std::string) override {}
  void receive_bytes(uint64_t stream, std::string data, value meta) override {
    std::lock_guard<std::mutex> g(mtx);
    q.push_back(frame{stream, std::move(data), std::move(meta)});
    if (q.size() == 1)
      cv.notify_one();
  }
  void receive_value(uint64_t, value, value) override {}
  void stream_finished(uint64_t) override {}
  void source_finished() override {}
  void ack(const event_id&) override {}
  void fail(const event_id&) override {}
  void circuit_breaker(bool) override {}
  void request_shutdown(uint64_t, bool) override {}
  void emit(std::string, uint64_t, value, value) override {}
  std::atomic<uint64_t>& counter(std::string_view) override { return unused_counter; }
  std::atomic<uint64_t> unused_counter{0};

  std::mutex mtx;
  std::condition_variable cv;
  std::deque<frame> q;
  std::string alias_ = "bench::ws";
};

class string_serializer : public serializer {
public:
  bool serialize(uint64_t, const value& v, uint64_t, std::vector<std::string>& frames,
                 std::string&) override {
    frames.push_back(v.as_string());
    return true;
  }
  void finish_stream(uint64_t, std::vector<std::string>&) override {}
};

} // namespace

int main(int argc, char** argv) {
  auto ctx = std::make_shared<echo_context>();
  connector_args args;
  args.alias = "bench::ws";
  args.source_id = 1;
  args.config = value(record{{"url", "127.0.0.1:" + std::string(argc > 1 ? argv[1] : "9002")},
                             {"backlog", 4096}});
  args.context = ctx;
  std::string err;
  auto server = connectors::make_connector(ws::ws_server_descriptor(), args, err);
  if (!server) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  io::pools pools(1, 1);
  start_args start;
  start.services = pools.get();
  start.sink_linked = true;
  start.source_linked = true;
  server->start(start);
  server->connect();
  server->resume();
  string_serializer ser;
  std::deque<frame> batch;
  uint64_t pull = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(ctx->mtx);
      ctx->cv.wait(lk, [&] { return !ctx->q.empty(); });
      batch.swap(ctx->q);
    }
    for (auto& f : batch) {
      event ev;
      ev.payload = value(std::move(f.data));
      ev.meta = std::move(f.meta);
      ev.id = event_id(1, f.stream, pull++);
      server->write("in", ev, ser);
    }
    batch.clear();
  }
}
