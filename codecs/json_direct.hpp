#pragma once

// The json codec's fast path: reads JSON text straight into a value, with
// no copy of the input, no SAX callbacks and no separate validation passes
// (UTF-8 is checked inside strings, where alone non-ASCII bytes may be).
//
// It accepts only what it is sure of and gives up on anything else: any
// syntax error, a lone surrogate, a control byte in a string, invalid UTF-8,
// a number with a three-digit exponent or more than 40 characters, nesting
// deeper than 64 levels. The caller then decodes with the RapidJSON path,
// which reports the error (with its offset) or reads what is unusual, so
// the two can only differ in speed.

#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/value.hpp"

namespace temblor::codecs {

class json_direct_reader {
public:
  /// Nesting the reader handles itself; deeper documents are given up.
  static constexpr size_t max_depth = 64;

  /// Reads exactly one JSON document (surrounding whitespace allowed) into
  /// `out`. Returns false, leaving `out` unspecified, when it gives up.
  bool read(std::string_view data, value& out);

private:
  bool read_value(value& out, size_t depth);
  bool read_array(value& out, size_t depth);
  bool read_record(value& out, size_t depth);
  bool read_string(std::string& out);
  bool read_escaped(std::string& out, bool& high);
  bool read_hex4(unsigned& cp);
  bool read_number(value& out);
  bool read_literal(std::string_view word);
  /// After an element: skips `,` (true) or the closing `close` (true, sets
  /// `closed`) with the whitespace around; false on anything else.
  bool after_item(char close, bool& closed);
  void skip_whitespace();

  const char* p_ = nullptr;
  const char* end_ = nullptr;
  // Finished elements and members wait here until their container closes,
  // which is then allocated once at its exact size. Reused between reads.
  std::vector<value> elements_;
  std::vector<record::entry> members_;
};

} // namespace temblor::codecs
