#include "runtime/system/log_config.hpp"

#include <yaml-cpp/yaml.h>

#include "runtime/system/log.hpp"

namespace temblor::log {

namespace {

std::string trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t");
  size_t b = s.find_last_not_of(" \t");
  return a == std::string_view::npos ? std::string() : std::string(s.substr(a, b - a + 1));
}

bool is_tremor_module(std::string_view module) { return module.substr(0, 6) == "tremor"; }

} // namespace

std::vector<std::string> apply_rust_log(std::string_view spec) {
  std::vector<std::string> warnings;
  std::string text(spec);
  if (auto slash = text.find('/'); slash != std::string::npos) {
    warnings.push_back("RUST_LOG: the message filter `" + text.substr(slash + 1) +
                       "` is not supported; ignored");
    text.resize(slash);
  }
  level global = current_level();
  std::vector<std::pair<std::string, level>> aliases;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part = trim(std::string_view(text).substr(
      start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (part.empty())
      continue;
    level l = level::debug;
    auto eq = part.find('=');
    std::string module = eq == std::string::npos ? part : trim(part.substr(0, eq));
    if (eq != std::string::npos) {
      if (!parse_level(trim(part.substr(eq + 1)), l)) {
        warnings.push_back("RUST_LOG: `" + part + "` has no level we know (trace, debug, info, warn, error, off); ignored");
        continue;
      }
    } else if (parse_level(part, l)) {
      global = l;
      continue;
    }
    // A bare module means all its messages, as in env_logger.
    if (is_tremor_module(module))
      global = l;
    else
      aliases.emplace_back(module, l);
  }
  set_level(global);
  set_alias_levels(std::move(aliases));
  return warnings;
}

std::vector<std::string> apply_log4rs(const std::string& path) {
  std::vector<std::string> warnings;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const std::exception& e) {
    warnings.push_back("cannot read logger config " + path + ": " + e.what());
    return warnings;
  }
  auto warn = [&](const std::string& what) { warnings.push_back(path + ": " + what); };
  try {
    if (auto r = root["root"]) {
      level l;
      if (r["level"] && parse_level(r["level"].as<std::string>(), l))
        set_level(l);
      else if (r["level"])
        warn("root.level `" + r["level"].as<std::string>() + "` is not a level; ignored");
    }
    std::vector<std::pair<std::string, level>> aliases;
    if (auto loggers = root["loggers"]) {
      for (const auto& entry : loggers) {
        std::string name = entry.first.as<std::string>();
        level l;
        if (!entry.second["level"] || !parse_level(entry.second["level"].as<std::string>(), l)) {
          warn("logger `" + name + "` has no level we know; ignored");
          continue;
        }
        if (is_tremor_module(name))
          set_level(l);
        else
          aliases.emplace_back(name, l);
      }
    }
    if (!aliases.empty())
      set_alias_levels(std::move(aliases));
    if (auto appenders = root["appenders"]) {
      for (const auto& entry : appenders) {
        std::string name = entry.first.as<std::string>();
        std::string kind = entry.second["kind"] ? entry.second["kind"].as<std::string>() : "";
        if (entry.second["encoder"])
          warn("appender `" + name + "`: encoder patterns are not supported (the line format is "
               "fixed; --log-format json gives structured lines); ignored");
        if (kind == "console")
          continue;
        if (kind == "file" || kind == "rolling_file") {
          if (kind == "rolling_file")
            warn("appender `" + name + "`: the rolling policy is not supported; the file grows");
          if (!entry.second["path"]) {
            warn("appender `" + name + "` has no path; ignored");
            continue;
          }
          std::string err;
          if (!add_file(entry.second["path"].as<std::string>(), err))
            warn("appender `" + name + "`: " + err);
          continue;
        }
        warn("appender `" + name + "` of kind `" + kind + "` is not supported; ignored");
      }
    }
  } catch (const std::exception& e) {
    warn(std::string("cannot read it: ") + e.what());
  }
  return warnings;
}

} // namespace temblor::log
