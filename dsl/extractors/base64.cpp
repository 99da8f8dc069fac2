#include "dsl/extractors/extractor_programs.hpp"

#include "runtime/core/utf8.hpp"

namespace temblor::dsl::extractors {

// -- base64 -----------------------------------------------------------------
//
// Tremor decodes with the base64 crate's standard engine (canonical
// padding, zero trailing bits) and then requires the bytes to be UTF-8,
// yielding a string.

bool b64_decode(const std::string& in, std::string& out) {
  static const std::string chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (in.size() % 4 != 0)
    return false;
  size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=')
    ++pad;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i + pad < in.size(); ++i) {
    size_t v = chars.find(in[i]);
    if (v == std::string::npos)
      return false; // also a `=` before the end
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Bits left over from the last symbol must be zero.
  return bits == 0 || (acc & ((1u << bits) - 1)) == 0;
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0, bad = 0; i < s.size();) {
    size_t len = utf8_sequence_length(s, i, bad);
    if (len == 0)
      return false;
    i += len;
  }
  return true;
}

} // namespace temblor::dsl::extractors
