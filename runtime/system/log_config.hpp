#pragma once

// Turns what a Tremor user already has into our log settings: RUST_LOG in
// env_logger's syntax and a log4rs YAML file. What maps is honoured; what
// does not gets a warning (returned, so the caller logs it once).

#include <string>
#include <string_view>
#include <vector>

namespace temblor::log {

/// Applies RUST_LOG: comma-separated `level`, `module`, `module=level`
/// (levels in any case; an env_logger `/filter` suffix is ignored with a
/// warning). Tremor's own crates (`tremor*`) set the global level; any other
/// module is taken as a flow or connector alias prefix (`main::ticks=debug`).
std::vector<std::string> apply_rust_log(std::string_view spec);

/// Applies a log4rs YAML file: `root.level`, `loggers.<name>.level` (as
/// RUST_LOG directives), `console` and `file` appenders (a file appender's
/// `path` gets every line). Patterns, rolling policies and unknown appender
/// kinds are warned about.
std::vector<std::string> apply_log4rs(const std::string& path);

} // namespace temblor::log
