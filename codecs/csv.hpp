#pragma once

// The `csv` codec: one RFC 4180 record <-> an array of strings.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

/// Decodes one record (quoted fields may hold delimiters, quotes as `""`
/// and line breaks; one trailing line break is ignored) into an array of
/// strings. Encodes an array as one record without a line terminator
/// (framing is `separate`'s job): strings as they are, other values as
/// JSON, quoting fields only where needed.
class csv_codec final : public codec {
public:
  explicit csv_codec(char delimiter) : delimiter_(delimiter) {}

  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;

private:
  char delimiter_;
};

/// Builds `csv`: config `{"delimiter": ","}` (one byte).
std::unique_ptr<codec> make_csv_codec(const value& config, std::string& err);

} // namespace temblor::codecs
