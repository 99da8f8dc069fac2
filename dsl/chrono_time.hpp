#pragma once

// Date/time formatting and parsing with the specifiers of Rust's chrono
// crate, which Tremor's std::datetime and `datetime` extractor use. libc's
// strftime/strptime differ from chrono on several specifiers (%.f, %:z,
// %+, %P, padding modifiers, offsets on parse), so Temblor implements them
// itself. Everything is UTC: a parsed offset is folded into the result.

#include <cstdint>
#include <string>
#include <string_view>

namespace temblor::dsl::chrono_time {

/// Formats `ns` since the epoch (UTC) per a chrono/strftime format string.
/// Returns false and sets `err` on an unknown or unsupported specifier.
bool format(int64_t ns, std::string_view fmt, std::string& out, std::string& err);

/// Parses `text` per `fmt` into ns since the epoch, honouring %z/%:z offsets.
/// Returns false and sets `err` (naming the byte position) on a mismatch.
bool parse(std::string_view text, std::string_view fmt, int64_t& ns, std::string& err);

} // namespace temblor::dsl::chrono_time
