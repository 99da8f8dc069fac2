#include "tools/temblor/ops/top_command.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include <unistd.h>

#include "runtime/api/status_report.hpp"
#include "tools/temblor/ops/api_fetch.hpp"

namespace temblor::ops {

namespace {

constexpr std::chrono::milliseconds request_timeout{5000};

// One report: /v1/status, /v1/flows, each flow's connectors, /v1/stats.
bool read_report(const std::string& api, api::status_report& out, std::string& err) {
  api::api_documents docs;
  fetched got;
  if (!fetch_json(api, "/v1/status", request_timeout, got, err))
    return false;
  docs.status_code = got.status;
  docs.status = std::move(got.body);
  if (!fetch_json(api, "/v1/flows", request_timeout, got, err))
    return false;
  docs.flows = std::move(got.body);
  if (docs.flows.is_array())
    for (const auto& f : docs.flows.as_array()) {
      const value* alias = f.get("alias");
      if (!alias || !alias->is_string())
        continue;
      // Aliases are identifiers: nothing to escape in the path.
      if (!fetch_json(api, "/v1/flows/" + alias->as_string() + "/connectors", request_timeout, got, err))
        return false;
      docs.connectors[alias->as_string()] = std::move(got.body);
    }
  if (!fetch_json(api, "/v1/stats", request_timeout, got, err))
    return false;
  docs.stats = std::move(got.body);
  return api::build_report(docs, out, err);
}

void pause_for(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

int exit_status(const api::status_report& r) { return r.healthy ? 0 : 1; }

} // namespace

int run_status(const top_options& options) {
  api::status_report before, now;
  std::string err;
  if (!read_report(options.api, now, err)) {
    std::fprintf(stderr, "error: %s\n", err.c_str());
    return 2;
  }
  if (options.interval_s > 0) {
    before = std::move(now);
    pause_for(options.interval_s);
    if (!read_report(options.api, now, err)) {
      std::fprintf(stderr, "error: %s\n", err.c_str());
      return 2;
    }
    api::add_rates(now, before);
  }
  std::fputs(api::render_report(now, options.api).c_str(), stdout);
  return exit_status(now);
}

int run_top(const top_options& options) {
  if (!::isatty(STDOUT_FILENO))
    return run_status(options);
  api::status_report before, now;
  bool have_before = false;
  std::fputs("\x1b[H\x1b[2J", stdout);
  for (long frame = 0; options.iterations == 0 || frame < options.iterations; ++frame) {
    if (frame > 0)
      pause_for(options.interval_s > 0 ? options.interval_s : 1);
    std::string err, text;
    if (read_report(options.api, now, err)) {
      if (have_before)
        api::add_rates(now, before);
      text = api::render_report(now, options.api);
      before = now;
      have_before = true;
    } else {
      // The process may be restarting: keep trying, say why on screen.
      text = "error: " + err + "\n";
      have_before = false;
    }
    // Home, the frame, then clear what an earlier, longer frame left below.
    std::string screen = "\x1b[H";
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      screen += text.substr(start, end - start) + "\x1b[K\n";
      start = end + 1;
    }
    screen += "\x1b[J";
    std::fputs(screen.c_str(), stdout);
    std::fflush(stdout);
  }
  return have_before ? exit_status(now) : 2;
}

} // namespace temblor::ops
