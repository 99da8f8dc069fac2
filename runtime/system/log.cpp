#include "runtime/system/log.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace temblor::log {

namespace {

std::atomic<level> threshold{level::info};
/// The lowest level any alias may log at: the fast path's threshold.
std::atomic<level> floor_level{level::info};
std::atomic<format> output_format{format::text};
std::mutex config_mutex;
std::string instance_name = "tremor";
std::vector<std::pair<std::string, level>> alias_levels;
std::mutex output_mutex;
std::FILE* file_sink = nullptr;

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

void update_floor() {
  level f = threshold.load();
  for (const auto& [prefix, l] : alias_levels)
    f = std::min(f, l);
  floor_level = f;
}

/// `[flow::alias] rest` -> alias and rest; no alias when it does not start so.
std::pair<std::string_view, std::string_view> split_alias(std::string_view message) {
  if (message.size() < 3 || message[0] != '[')
    return {{}, message};
  auto close = message.find(']');
  if (close == std::string_view::npos || close + 1 >= message.size() || message[close + 1] != ' ')
    return {{}, message};
  return {message.substr(1, close - 1), message.substr(close + 2)};
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

} // namespace

void set_level(level l) {
  std::lock_guard<std::mutex> guard(config_mutex);
  threshold = l;
  update_floor();
}
level current_level() { return threshold; }

bool parse_level(std::string_view text, level& out) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "debug" || lower == "trace") out = level::debug;
  else if (lower == "info") out = level::info;
  else if (lower == "warn" || lower == "warning") out = level::warning;
  else if (lower == "error") out = level::error;
  else if (lower == "off") out = level::off;
  else return false;
  return true;
}

void set_format(format f) { output_format = f; }

void set_instance(std::string name) {
  std::lock_guard<std::mutex> guard(config_mutex);
  instance_name = std::move(name);
}

void set_alias_levels(std::vector<std::pair<std::string, level>> levels) {
  std::lock_guard<std::mutex> guard(config_mutex);
  alias_levels = std::move(levels);
  update_floor();
}

bool add_file(const std::string& path, std::string& err) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (!f) {
    err = "cannot open log file " + path;
    return false;
  }
  std::lock_guard<std::mutex> guard(output_mutex);
  if (file_sink)
    std::fclose(file_sink);
  file_sink = f;
  return true;
}

std::string format_line(format f, const std::string& instance, const char* timestamp, level l,
                        std::string_view message) {
  auto [alias, text] = split_alias(message);
  std::string line;
  if (f == format::text) {
    line = std::string(timestamp) + " " + label(l);
    line.append(6 - std::string_view(label(l)).size(), ' ');
    line += instance;
    line += ": ";
    line += message;
    return line;
  }
  line = "{\"time\":";
  json_string(line, timestamp);
  line += ",\"level\":";
  json_string(line, label(l));
  line += ",\"instance\":";
  json_string(line, instance);
  if (!alias.empty()) {
    auto sep = alias.find("::");
    line += ",\"flow\":";
    json_string(line, alias.substr(0, sep));
    line += ",\"alias\":";
    json_string(line, alias);
  }
  line += ",\"message\":";
  json_string(line, text);
  line += "}";
  return line;
}

void write(level l, std::string_view message) {
  if (l < floor_level.load(std::memory_order_relaxed))
    return;
  std::string instance;
  {
    std::lock_guard<std::mutex> guard(config_mutex);
    level wanted = threshold;
    if (!alias_levels.empty()) {
      auto alias = split_alias(message).first;
      size_t best = 0;
      for (const auto& [prefix, pl] : alias_levels)
        if (alias.substr(0, prefix.size()) == prefix && prefix.size() >= best) {
          best = prefix.size();
          wanted = pl;
        }
    }
    if (l < wanted)
      return;
    instance = instance_name;
  }
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::string line = format_line(output_format.load(), instance, stamp, l, message);
  line += '\n';
  std::lock_guard<std::mutex> guard(output_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  if (file_sink) {
    std::fwrite(line.data(), 1, line.size(), file_sink);
    std::fflush(file_sink);
  }
}

} // namespace temblor::log
