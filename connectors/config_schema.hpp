#pragma once

// A connector's `config` keys, declared once per connector: the list both
// validates what a flow gives (unknown key -> did-you-mean, wrong type -> the
// key and what it takes, missing required key) and generates the connector
// reference in the README.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/value.hpp"

namespace temblor::connectors {

/// The kinds of value a key accepts; a set, because Tremor's keys often take
/// two (`tls` is `true` or a record, `headers` values a string or a list).
class value_types {
public:
  enum bit : uint8_t {
    string = 1,
    unsigned_int = 2, ///< an integer >= 0
    integer = 4,      ///< any integer
    number = 8,       ///< an integer or a float
    boolean = 16,
    record = 32,
    array = 64,
  };
  constexpr value_types(bit b) : bits_(b) {}
  constexpr value_types operator|(value_types other) const {
    return value_types(static_cast<uint8_t>(bits_ | other.bits_));
  }
  /// Every kind but null.
  static constexpr value_types any() { return value_types(127); }

  bool accepts(const value& v) const;
  /// Names the accepted kinds: "a string or a record".
  std::string describe() const;

private:
  constexpr explicit value_types(uint8_t bits) : bits_(bits) {}
  uint8_t bits_;
};

constexpr value_types operator|(value_types::bit a, value_types::bit b) {
  return value_types(a) | value_types(b);
}

/// One key of a connector's `config`.
struct config_field {
  std::string key;
  value_types types = value_types::string;
  bool required = false;
  /// Filled in when the key is absent; null means no default.
  value default_value;
  /// One sentence: what it does, and when to change it.
  std::string doc;
  /// The keys of a record value (`tls`, `socket_options`), checked the same
  /// way; empty means any record.
  std::vector<config_field> fields;

  /// Shows the default in the reference when it is not a plain value.
  std::string default_doc;
};

using config_schema = std::vector<config_field>;

/// Declares a key the flow must give.
config_field required_key(std::string key, value_types types, std::string doc);
/// Declares a key with a default (null: the connector decides, see `doc`).
config_field optional_key(std::string key, value_types types, value default_value,
                          std::string doc);
/// Same, with the keys its record value may have.
config_field record_key(std::string key, value_types types, std::vector<config_field> fields,
                        std::string doc);

/// Checks `config` (a record or null) against `schema` and returns it with
/// defaults filled in. False with `err` naming the key path
/// (`config.tls.cert`) and what was expected.
bool apply_schema(const config_schema& schema, const value& config, value& out, std::string& err);

/// Renders the keys as Markdown table rows: key, type, default, doc.
std::string schema_markdown_rows(const config_schema& schema);

} // namespace temblor::connectors
