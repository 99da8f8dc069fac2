#pragma once

// Codecs turn bytes into values (sources) and values into bytes (sinks).

#include <memory>
#include <string>
#include <string_view>

#include "runtime/core/registry.hpp"
#include "runtime/core/value.hpp"

namespace temblor::codecs {

/// One codec instance; connectors keep one per stream, so codecs may keep
/// state, and are never shared between threads.
class codec {
public:
  virtual ~codec() = default;

  /// Decodes one chunk into `out`. Returns false with a message in `err` on
  /// bad input; the connector routes that to its `err` port.
  virtual bool decode(std::string_view data, value& out, std::string& err) = 0;

  /// Appends the encoding of `v` to `out`. Returns false with `err` when the
  /// value cannot be represented (the event then fails).
  virtual bool encode(const value& v, std::string& out, std::string& err) = 0;
};

/// Builds a codec from its `config` record (null when none was given).
/// Returns nullptr with `err` set when the config is invalid.
using codec_factory = std::unique_ptr<codec> (*)(const value& config, std::string& err);

struct codec_descriptor {
  std::string_view name;
  std::string_view summary;
  codec_factory make;
};

using codec_registry = registry<codec_descriptor>;

/// Returns the registry holding every builtin codec (builtin.cpp is the list).
const codec_registry& builtin_codecs();

/// Builds a codec from a connector's `codec` setting: a name, or
/// `{"name": …, "config": {…}}`. Unknown names get a did-you-mean hint.
std::unique_ptr<codec> make_codec(const value& spec, std::string& err);

} // namespace temblor::codecs
