#pragma once

// The process log: one line per message on stderr (and a file when a log4rs
// config names one), safe from any thread. Text lines by default, JSON lines
// with `--log-format json`. A message that starts with `[flow::alias]`
// names its flow and connector or pipeline: JSON lines carry them as
// fields, and per-alias levels (RUST_LOG directives) apply to them.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace temblor::log {

enum class level { debug = 0, info = 1, warning = 2, error = 3, off = 4 };
enum class format { text, json };

/// Sets the lowest level written (default info; `-l` and RUST_LOG may change it).
void set_level(level l);
level current_level();
/// Parses "trace"/"debug", "info", "warn"/"warning", "error", "off", any case.
bool parse_level(std::string_view text, level& out);

void set_format(format f);
/// The instance name (`-i`), in every line.
void set_instance(std::string name);
/// Levels for messages whose alias starts with the given prefix
/// (`main::ticks=debug`); the longest matching prefix wins.
void set_alias_levels(std::vector<std::pair<std::string, level>> levels);
/// Also appends every line to `path`; false with `err` when it cannot be opened.
bool add_file(const std::string& path, std::string& err);

void write(level l, std::string_view message);

inline void debug(std::string_view m) { write(level::debug, m); }
inline void info(std::string_view m) { write(level::info, m); }
inline void warning(std::string_view m) { write(level::warning, m); }
inline void error(std::string_view m) { write(level::error, m); }

/// Formats one line (without the newline); exposed for tests.
std::string format_line(format f, const std::string& instance, const char* timestamp, level l,
                        std::string_view message);

} // namespace temblor::log
