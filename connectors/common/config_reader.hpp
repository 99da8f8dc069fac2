#pragma once

// Typed reads from a connector's `config` record with errors that name the
// key, shared by the network connectors.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "runtime/core/value.hpp"

namespace temblor::connectors::common {

/// Checks that `config` is a record (or null) whose keys are all in
/// `allowed`; the error names the first unknown key with a did-you-mean.
/// `where` prefixes the message (e.g. "config" or "config.tls").
bool check_keys(const value& config, std::string_view where,
                std::initializer_list<std::string_view> allowed, std::string& err);

/// Reads a required string; false with `err` when missing or not a string.
bool read_string(const value& config, std::string_view key, std::string& out,
                 std::string& err);
/// Reads an optional string; absent or null leaves `out` unchanged.
bool read_optional_string(const value& config, std::string_view key, std::string& out,
                          std::string& err);
/// Reads an optional boolean; absent or null leaves `out` unchanged.
bool read_optional_bool(const value& config, std::string_view key, bool& out,
                        std::string& err);
/// Reads an optional non-negative integer no larger than `max`.
bool read_optional_uint(const value& config, std::string_view key, uint64_t max,
                        uint64_t& out, std::string& err);

} // namespace temblor::connectors::common
