#include "runtime/api/api_server.hpp"

#include <chrono>
#include <future>

#include <asio.hpp>

#include "connectors/http/server/server.hpp"
#include "runtime/core/stage_stats.hpp"
#include "runtime/system/log.hpp"

namespace temblor::api {

namespace http = connectors::http;

namespace {

constexpr auto loop_wait = std::chrono::seconds(5);

/// Runs `job` on `io` and waits for it (bounded); false when the loop did
/// not get to it in time.
bool run_on(asio::io_context& io, std::function<void()> job) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  asio::post(io, [job = std::move(job), done] {
    job();
    done->set_value();
  });
  return future.wait_for(loop_wait) == std::future_status::ready;
}

} // namespace

/// Lives on the loop: the service, the server, and the adapter between them.
struct api_server::state : http::request_handler, std::enable_shared_from_this<state> {
  state(asio::io_context& loop, service_settings settings) : io(loop), service(std::move(settings)) {}

  void on_request(const std::shared_ptr<http::exchange>& ex) override {
    auto self = shared_from_this();
    // The answer may come from a CAF thread: it goes back to the loop.
    service.handle(ex->request(), [self, ex](http_reply r) {
      asio::post(self->io, [ex, r = std::move(r)]() mutable {
        ex->respond(r.status, std::move(r.headers), std::move(r.body));
      });
    });
  }

  asio::io_context& io;
  api_service service;
  std::shared_ptr<http::server> server;
};

bool parse_host_port(const std::string& text, std::string& host, uint16_t& port, std::string& err) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    err = "`" + text + "` is not host:port";
    return false;
  }
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) {
    err = "`" + text + "` has no host (0.0.0.0:PORT listens on every interface)";
    return false;
  }
  std::string digits = text.substr(colon + 1);
  unsigned long n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || n > 65535) {
      err = "`" + text + "` has no valid port";
      return false;
    }
    n = n * 10 + static_cast<unsigned long>(c - '0');
  }
  if (n > 65535) {
    err = "`" + text + "` has no valid port";
    return false;
  }
  port = static_cast<uint16_t>(n);
  return true;
}

std::unique_ptr<api_server> api_server::start(asio::io_context& io, const std::string& host_port,
                                              service_settings settings, std::string& err) {
  http::server_config cfg;
  if (!parse_host_port(host_port, cfg.host, cfg.port, err))
    return nullptr;
  // The API serves operators and a scraper: small requests, few clients.
  cfg.limits.request.max_body_bytes = 64 * 1024;
  cfg.limits.body_budget_bytes = 4 * 1024 * 1024;
  cfg.limits.max_connections = 256;

  auto counters = std::make_shared<counter_set>();
  settings.server_counters = [counters] { return counters->snapshot(); };
  auto st = std::make_shared<state>(io, std::move(settings));
  http::server_hooks hooks;
  hooks.log = [](connectors::log_level level, std::string message) {
    message = "[api] " + message;
    switch (level) {
      case connectors::log_level::error: log::error(message); break;
      case connectors::log_level::warning: log::warning(message); break;
      case connectors::log_level::info: log::info(message); break;
      case connectors::log_level::debug: log::debug(message); break;
    }
  };
  hooks.counter = [counters](std::string_view name) -> std::atomic<uint64_t>& {
    return counters->get(name);
  };
  st->server = http::server::create(io, cfg, st, std::move(hooks));

  // Shared with the job: it may still run after a timed-out wait.
  struct outcome {
    bool ok = false;
    std::string err, address;
  };
  auto result = std::make_shared<outcome>();
  if (!run_on(io, [st, result] {
        result->ok = st->server->listen(result->err);
        result->address = st->server->local_address();
      })) {
    err = "the I/O loop did not answer";
    return nullptr;
  }
  if (!result->ok) {
    err = result->err;
    return nullptr;
  }
  std::unique_ptr<api_server> out(new api_server(st));
  out->address_ = result->address;
  return out;
}

void api_server::attach(std::shared_ptr<deployer_link> link) {
  auto st = st_;
  asio::post(st->io, [st, link = std::move(link)]() mutable { st->service.set_link(std::move(link)); });
}

api_server::~api_server() {
  auto st = st_;
  // The state holds the server and the server holds the state (its
  // handler): close() and dropping the server on the loop end that cycle.
  run_on(st->io, [st] {
    st->server->close();
    st->server.reset();
    st->service.set_link(nullptr);
  });
}

} // namespace temblor::api
