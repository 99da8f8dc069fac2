#pragma once

// The process log: one line per message on stderr, safe from any thread.

#include <string>
#include <string_view>

namespace temblor::log {

enum class level { debug = 0, info = 1, warning = 2, error = 3, off = 4 };

/// Sets the lowest level written (default info; `-l` and RUST_LOG may change it).
void set_level(level l);
level current_level();
/// Parses "debug", "info", "warn"/"warning", "error", "off"; false if unknown.
bool parse_level(std::string_view text, level& out);

void write(level l, std::string_view message);

inline void debug(std::string_view m) { write(level::debug, m); }
inline void info(std::string_view m) { write(level::info, m); }
inline void warning(std::string_view m) { write(level::warning, m); }
inline void error(std::string_view m) { write(level::error, m); }

} // namespace temblor::log
