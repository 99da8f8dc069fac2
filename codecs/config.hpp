#pragma once

// Small helpers for reading codec and processor config records; every error
// names the owner ("json codec", "separate preprocessor") and the key.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "runtime/core/value.hpp"

namespace temblor::codecs {

/// Checks that `config` is null or a record whose keys are all in `known`.
/// An unknown key gets a did-you-mean and the list of available keys.
bool check_config_keys(const value& config, std::string_view owner,
                       std::initializer_list<std::string_view> known, std::string& err);

/// Reads an optional string field; leaves `out` alone when the key is absent.
bool read_string(const value& config, std::string_view key, std::string_view owner,
                 std::string& out, std::string& err);

/// Reads an optional boolean field; leaves `out` alone when the key is absent.
bool read_bool(const value& config, std::string_view key, std::string_view owner, bool& out,
               std::string& err);

/// Reads an optional non-negative integer field; leaves `out` alone when absent.
bool read_u64(const value& config, std::string_view key, std::string_view owner, uint64_t& out,
              std::string& err);

/// Splits a codec or processor spec (`"name"` or `{"name": …, "config": …}`)
/// into its name and config (null when none was given).
bool split_spec(const value& spec, std::string_view what, std::string& name, value& config,
                std::string& err);

} // namespace temblor::codecs
