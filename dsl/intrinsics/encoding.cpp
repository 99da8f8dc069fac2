#include "dsl/intrinsics/native_support.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>

#include "dsl/json_text.hpp"
#include "runtime/core/hex_digit.hpp"
#include "runtime/core/utf8.hpp"

namespace temblor::dsl::intrinsics {

namespace {

// -- std::json ----------------------------------------------------------------

TEMBLOR_NATIVE(json_encode) {
  out = value(to_json(a[0]));
  return true;
}
TEMBLOR_NATIVE(json_encode_pretty) {
  out = value(to_json_pretty(a[0]));
  return true;
}
TEMBLOR_NATIVE(json_decode) {
  if (!a[0].get_text())
    return type_err(err, "json::decode", "a string", a[0]);
  std::string e;
  if (!from_json(*a[0].get_text(), out, e)) {
    err = "json::decode: " + e;
    return false;
  }
  return true;
}

// -- std::base64 / binary ---------------------------------------------------------

const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

TEMBLOR_NATIVE(base64_encode) {
  if (!a[0].get_text())
    return type_err(err, "base64::encode", "binary or string", a[0]);
  const std::string& s = *a[0].get_text();
  std::string r;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                 static_cast<unsigned char>(s[i + 2]);
    r += b64chars[(v >> 18) & 63];
    r += b64chars[(v >> 12) & 63];
    r += b64chars[(v >> 6) & 63];
    r += b64chars[v & 63];
  }
  if (i < s.size()) {
    uint32_t v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size())
      v |= static_cast<unsigned char>(s[i + 1]) << 8;
    r += b64chars[(v >> 18) & 63];
    r += b64chars[(v >> 12) & 63];
    r += i + 1 < s.size() ? b64chars[(v >> 6) & 63] : '=';
    r += '=';
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(base64_decode) {
  TEMBLOR_WANT_STR(0, "base64::decode");
  std::string r;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s0) {
    if (c == '=')
      break;
    const char* p = std::strchr(b64chars, c);
    if (!p || c == 0) {
      err = "base64::decode: invalid base64 input";
      return false;
    }
    acc = (acc << 6) | static_cast<uint32_t>(p - b64chars);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      r.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  out = value(bytes{std::move(r)});
  return true;
}
TEMBLOR_NATIVE(binary_len) {
  if (!a[0].is_bytes())
    return type_err(err, "binary::len", "binary", a[0]);
  out = value(static_cast<unsigned long long>(a[0].as_bytes().data.size()));
  return true;
}
TEMBLOR_NATIVE(binary_into_bytes) {
  if (!a[0].is_bytes())
    return type_err(err, "binary::into_bytes", "binary", a[0]);
  array r;
  for (unsigned char c : a[0].as_bytes().data)
    r.push_back(value(static_cast<int>(c)));
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(binary_from_bytes) {
  TEMBLOR_WANT_ARR(0, "binary::from_bytes");
  std::string r;
  for (const auto& x : arr0) {
    int64_t v = 0;
    if (!x.get_i64(v) || v < 0 || v > 255) {
      err = "binary::from_bytes: every element must be a byte";
      return false;
    }
    r.push_back(static_cast<char>(v));
  }
  out = value(bytes{std::move(r)});
  return true;
}

// -- std::url ----------------------------------------------------------------------

// Tremor percent-encodes every byte that is not an ASCII letter or digit
// (the `NON_ALPHANUMERIC` set) and decodes `%XX` only: `+` stays a `+`,
// since this is not form decoding.
TEMBLOR_NATIVE(url_encode) {
  TEMBLOR_WANT_STR(0, "url::encode");
  std::string r;
  for (unsigned char c : s0) {
    if (std::isalnum(c)) {
      r.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      r += buf;
    }
  }
  out = value(std::move(r));
  return true;
}
TEMBLOR_NATIVE(url_decode) {
  TEMBLOR_WANT_STR(0, "url::decode");
  std::string r;
  for (size_t i = 0; i < s0.size(); ++i) {
    int hi = 0, lo = 0;
    if (s0[i] == '%' && i + 2 < s0.size() && (hi = hex_digit(s0[i + 1])) >= 0 &&
        (lo = hex_digit(s0[i + 2])) >= 0) {
      r.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      // A `%` without two hex digits is kept as it is.
      r.push_back(s0[i]);
    }
  }
  for (size_t i = 0; i < r.size();) {
    size_t bad = 0;
    size_t len = utf8_sequence_length(r, i, bad);
    if (len == 0) {
      err = "Could not urldecode value: " + s0;
      return false;
    }
    i += len;
  }
  out = value(std::move(r));
  return true;
}

} // namespace

// Adds std::json, std::base64, std::binary and std::url.
void register_encoding_natives(native_table& t) {
  t.insert({
    {"json::encode", {json_encode, 1, 1}},
    {"json::encode_pretty", {json_encode_pretty, 1, 1}},
    {"json::decode", {json_decode, 1, 1}},
    {"base64::encode", {base64_encode, 1, 1}},
    {"base64::decode", {base64_decode, 1, 1}},
    {"binary::len", {binary_len, 1, 1}},
    {"binary::into_bytes", {binary_into_bytes, 1, 1}},
    {"binary::from_bytes", {binary_from_bytes, 1, 1}},
    {"url::encode", {url_encode, 1, 1}},
    {"url::decode", {url_decode, 1, 1}},
  });
}

} // namespace temblor::dsl::intrinsics
