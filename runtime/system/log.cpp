#include "runtime/system/log.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace temblor::log {

namespace {

std::atomic<level> threshold{level::info};
std::mutex output_mutex;

const char* label(level l) {
  switch (l) {
    case level::debug: return "DEBUG";
    case level::info: return "INFO";
    case level::warning: return "WARN";
    case level::error: return "ERROR";
    case level::off: break;
  }
  return "";
}

} // namespace

void set_level(level l) { threshold = l; }
level current_level() { return threshold; }

bool parse_level(std::string_view text, level& out) {
  if (text == "debug" || text == "trace") out = level::debug;
  else if (text == "info") out = level::info;
  else if (text == "warn" || text == "warning") out = level::warning;
  else if (text == "error") out = level::error;
  else if (text == "off") out = level::off;
  else return false;
  return true;
}

void write(level l, std::string_view message) {
  if (l < threshold.load(std::memory_order_relaxed))
    return;
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::lock_guard<std::mutex> guard(output_mutex);
  std::fprintf(stderr, "%s %-5s %.*s\n", stamp, label(l), static_cast<int>(message.size()),
               message.data());
  std::fflush(stderr);
}

} // namespace temblor::log
