#include "dsl/intrinsics/native_support.hpp"

#include <random>

namespace temblor::dsl::intrinsics {

namespace {

// -- cncf::otel ----------------------------------------------------------------
// OpenTelemetry calls an all-zero id invalid, so generation retries until
// one byte is non-zero (with 8 random bytes that almost never loops).

std::string random_id(size_t len) {
  thread_local std::mt19937_64 g{std::random_device{}()};
  std::string id(len, '\0');
  bool zero = true;
  while (zero) {
    for (auto& ch : id) {
      ch = static_cast<char>(g() & 0xff);
      zero = zero && ch == 0;
    }
  }
  return id;
}

value as_hex(const std::string& id) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (unsigned char ch : id) {
    s.push_back(digits[ch >> 4]);
    s.push_back(digits[ch & 0xf]);
  }
  return value(std::move(s));
}

value as_array(const std::string& id) {
  array r;
  for (unsigned char ch : id)
    r.push_back(value(static_cast<long long>(ch)));
  return value(std::move(r));
}

constexpr size_t span_id_len = 8;
constexpr size_t trace_id_len = 16;

TEMBLOR_NATIVE(otel_span_id_string) { out = as_hex(random_id(span_id_len)); return true; }
TEMBLOR_NATIVE(otel_span_id_array) { out = as_array(random_id(span_id_len)); return true; }
TEMBLOR_NATIVE(otel_span_id_bytes) { out = value(bytes{random_id(span_id_len)}); return true; }
TEMBLOR_NATIVE(otel_trace_id_string) { out = as_hex(random_id(trace_id_len)); return true; }
TEMBLOR_NATIVE(otel_trace_id_array) { out = as_array(random_id(trace_id_len)); return true; }
TEMBLOR_NATIVE(otel_trace_id_bytes) { out = value(bytes{random_id(trace_id_len)}); return true; }

} // namespace

// Adds cncf::otel's id generators.
void register_otel_natives(native_table& t) {
  t.insert({
    {"cncf::otel::gen_span_id_string", {otel_span_id_string, 0, 0}},
    {"cncf::otel::gen_span_id_array", {otel_span_id_array, 0, 0}},
    {"cncf::otel::gen_span_id_bytes", {otel_span_id_bytes, 0, 0}},
    {"cncf::otel::gen_trace_id_string", {otel_trace_id_string, 0, 0}},
    {"cncf::otel::gen_trace_id_array", {otel_trace_id_array, 0, 0}},
    {"cncf::otel::gen_trace_id_bytes", {otel_trace_id_bytes, 0, 0}},
  });
}

} // namespace temblor::dsl::intrinsics
