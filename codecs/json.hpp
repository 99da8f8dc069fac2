#pragma once

// The `json` codec (and 0.12's `json-sorted`): a direct reader (json_direct)
// builds temblor::value from the text, falling back to RapidJSON's SAX reader
// for errors and unusual input; a hand-written writer produces Tremor's
// output.
//
// Decisions, each matching Tremor unless noted:
// - floats always carry a fraction or exponent (`42.0`, `1e30`), laid out
//   like Rust's ryu: plain decimals for 1e-5 <= |x| < 1e16, else `d.ddde±x`;
// - integers stay integers: i64, or u64 above i64's range; larger ones and
//   non-integers become f64;
// - duplicate keys: the last value wins, at the first key's position;
// - invalid UTF-8 and lone surrogates (raw or `\uDC00`-escaped) are errors;
// - nesting deeper than `json_max_depth` containers is an error both ways,
//   and neither direction recurses on input (no stack overflow on `[[[…`);
// - bytes encode as an array of numbers 0..255 (tremor-value's layout);
// - NaN and infinities, which JSON cannot express, encode as `null`.

#include <memory>
#include <string>
#include <string_view>

#include "codecs/codec.hpp"
#include "runtime/core/value.hpp"

namespace temblor::codecs {

/// Maximum number of nested arrays/records the json codec accepts.
inline constexpr size_t json_max_depth = 1024;

enum class json_mode { unsorted, sorted };

/// Decodes JSON text into values, reusing its buffers between calls. One per
/// stream or thread; not thread-safe.
class json_decoder {
public:
  json_decoder();
  ~json_decoder();
  json_decoder(json_decoder&&) noexcept;
  json_decoder& operator=(json_decoder&&) noexcept;

  /// Decodes exactly one JSON document (surrounding whitespace allowed) into
  /// `out`. Returns false with a message naming the offset on bad input.
  bool decode(std::string_view data, value& out, std::string& err);

  /// Decodes with RapidJSON's SAX reader only: the path decode() falls back
  /// to when its direct reader gives up (errors, unusual input); tests
  /// compare the two.
  bool decode_with_rapidjson(std::string_view data, value& out, std::string& err);

private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Appends the JSON encoding of `v` to `out`; keys sorted in `json_mode::sorted`.
/// Fails only for values nested deeper than `json_max_depth`, and then
/// leaves `out` as it was.
bool json_encode(const value& v, json_mode mode, std::string& out, std::string& err);

/// Appends `d` the way the json codec prints floats (`42.0`, `1e-7`; NaN and
/// infinities as `null`). Other text codecs reuse it for Tremor's layout.
void append_json_float(std::string& out, double d);

/// Convenience for one-off use (config parsing, tests); allocates per call.
bool json_decode(std::string_view data, value& out, std::string& err);

/// Returns the JSON text for `v`, or "" when it is nested too deeply.
std::string json_to_string(const value& v, json_mode mode = json_mode::unsorted);

class json_codec final : public codec {
public:
  explicit json_codec(json_mode mode) : mode_(mode) {}

  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;

  json_mode mode() const { return mode_; }

private:
  json_mode mode_;
  json_decoder decoder_;
};

/// Builds `json`: config `{"mode": "unsorted" | "sorted"}` (default unsorted).
std::unique_ptr<codec> make_json_codec(const value& config, std::string& err);

/// Builds 0.12's `json-sorted`: `json` with mode sorted.
std::unique_ptr<codec> make_json_sorted_codec(const value& config, std::string& err);

} // namespace temblor::codecs
