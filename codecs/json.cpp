#include "codecs/json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "codecs/config.hpp"
#include "codecs/json_build.hpp"
#include "codecs/json_direct.hpp"
#include "codecs/json_scan.hpp"
#include "codecs/utf8.hpp"

namespace temblor::codecs {

// -- decoding -----------------------------------------------------------------

namespace {

// SAX handler building one value. Finished values wait on one flat stack
// until their container closes; RapidJSON then reports the member count, so
// each array or record is allocated once at its exact size. Depth costs
// heap, not call frames.
struct value_builder : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, value_builder> {
  std::vector<value> values;
  // Keys point into the decoder's in-situ buffer, which outlives the parse.
  std::vector<std::string_view> keys;
  size_t depth = 0;
  std::string error; // set when a handler stops the parse

  void reset() {
    values.clear();
    keys.clear();
    depth = 0;
    error.clear();
  }

  bool put(value v) {
    values.push_back(std::move(v));
    return true;
  }

  bool open() {
    if (depth >= json_max_depth) {
      error = "JSON nested deeper than " + std::to_string(json_max_depth) + " levels";
      return false;
    }
    ++depth;
    return true;
  }

  bool Null() { return put(value{}); }
  bool Bool(bool b) { return put(value{b}); }

  // Numbers arrive as text (kParseNumbersAsStringsFlag), already checked
  // against JSON's grammar and for exponents past 308; json_number_value
  // converts them (see there why not RapidJSON).
  bool RawNumber(const char* s, rapidjson::SizeType len, bool) {
    value v;
    if (!json_number_value(std::string_view(s, len), v)) {
      error = "invalid JSON: Number too big to be stored in double.";
      return false;
    }
    return put(std::move(v));
  }

  // RapidJSON runs without its own validation (which disables its SIMD
  // string scan). The decoder checks the whole input once instead; what
  // that misses is an escaped lone low surrogate (`\uDC00`, which RapidJSON
  // decodes to invalid UTF-8), so strings are re-checked only when the input
  // has such an escape.
  bool check_strings = false;

  bool text_ok(const char* s, rapidjson::SizeType len) {
    if (!check_strings || utf8_valid(std::string_view(s, len)))
      return true;
    error = "invalid UTF-8 in a JSON string (a lone surrogate escape)";
    return false;
  }

  bool String(const char* s, rapidjson::SizeType len, bool) {
    if (!text_ok(s, len))
      return false;
    values.emplace_back(std::string(s, len));
    return true;
  }

  bool Key(const char* s, rapidjson::SizeType len, bool) {
    if (!text_ok(s, len))
      return false;
    keys.emplace_back(s, len);
    return true;
  }

  bool StartObject() { return open(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth;
    record r;
    // An event's top-level record often gains a few fields in a script
    // (`let event.x`, `patch … insert`); room for them saves copying the
    // whole record into a bigger one on the first insert.
    r.reserve(depth == 0 ? n + 4 : n);
    size_t first_value = values.size() - n;
    size_t first_key = keys.size() - n;
    for (size_t i = 0; i < n; ++i)
      r.push_unchecked(std::string(keys[first_key + i]), std::move(values[first_value + i]));
    json_dedupe_keys(r);
    values.resize(first_value);
    keys.resize(first_key);
    values.emplace_back(std::move(r));
    return true;
  }

  bool StartArray() { return open(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth;
    size_t first = values.size() - n;
    array a(std::make_move_iterator(values.begin() + static_cast<std::ptrdiff_t>(first)),
            std::make_move_iterator(values.end()));
    values.resize(first);
    values.emplace_back(std::move(a));
    return true;
  }
};

// In-situ: strings are unescaped inside our own copy of the input, so the
// reader never copies them into its stack first; numbers come as text (see
// value_builder::RawNumber).
constexpr unsigned parse_flags =
    rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;

// Documents with at most this many `[`/`{` bytes (in strings or not) cannot
// nest deeper, so RapidJSON's recursive parser (about 10% faster) is safe for
// them even on small or sanitizer-inflated stacks; anything else uses the
// iterative parser, which keeps its state on the heap.
constexpr size_t recursion_budget = 64;

bool few_openers(std::string_view data) {
  size_t openers = 0;
  const char* p = data.data();
  const char* end = p + data.size();
  // Fixed-size blocks let the compiler vectorise the count; the budget is
  // checked per block.
  constexpr size_t block = 64;
  while (static_cast<size_t>(end - p) >= block) {
    size_t n = 0;
    for (size_t i = 0; i < block; ++i)
      n += static_cast<size_t>(p[i] == '[') + static_cast<size_t>(p[i] == '{');
    openers += n;
    if (openers > recursion_budget)
      return false;
    p += block;
  }
  for (; p < end; ++p)
    openers += static_cast<size_t>(*p == '[') + static_cast<size_t>(*p == '{');
  return openers <= recursion_budget;
}

// Whether `data` has a `\uDC00`..`\uDFFF` escape (any case), the one way a
// JSON string decodes to invalid UTF-8 from valid input. A preceding
// escaped backslash (`\\udc00`) only makes this answer "maybe", which is
// safe: it just turns on the per-string check.
bool has_low_surrogate_escape(std::string_view data) {
  const char* p = data.data();
  const char* end = p + data.size();
  while (p < end) {
    const auto* hit =
        static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(end - p)));
    if (hit == nullptr || end - hit < 4)
      return false;
    char d = hit[2], x = hit[3];
    if (hit[1] == 'u' && (d == 'd' || d == 'D')
        && ((x >= 'c' && x <= 'f') || (x >= 'C' && x <= 'F')))
      return true;
    p = hit + 1;
  }
  return false;
}

} // namespace

struct json_decoder::state {
  json_direct_reader direct;
  value direct_out;
  std::string buffer;
  rapidjson::Reader reader;
  value_builder builder;
};

json_decoder::json_decoder() : state_(std::make_unique<state>()) {}
json_decoder::~json_decoder() = default;
json_decoder::json_decoder(json_decoder&&) noexcept = default;
json_decoder& json_decoder::operator=(json_decoder&&) noexcept = default;

bool json_decoder::decode(std::string_view data, value& out, std::string& err) {
  auto& st = *state_;
  if (st.direct.read(data, st.direct_out)) {
    out = std::move(st.direct_out);
    return true;
  }
  return decode_with_rapidjson(data, out, err);
}

bool json_decoder::decode_with_rapidjson(std::string_view data, value& out, std::string& err) {
  auto& st = *state_;
  if (!utf8_valid(data)) {
    err = "invalid UTF-8 in JSON input";
    return false;
  }
  st.buffer.assign(data.data(), data.size());
  // In-situ parsing stops at the first terminator; the other 15 keep
  // RapidJSON's aligned 16-byte SSE2 loads inside the buffer.
  st.buffer.append(16, '\0');
  st.builder.reset();
  st.builder.check_strings = has_low_surrogate_escape(data);
  rapidjson::InsituStringStream in(&st.buffer[0]);
  rapidjson::ParseResult ok;
  try {
    if (few_openers(data))
      ok = st.reader.Parse<parse_flags>(in, st.builder);
    else
      ok = st.reader.Parse<parse_flags | rapidjson::kParseIterativeFlag>(in, st.builder);
  } catch (const std::exception& e) {
    // Only allocation failures can throw here; keep them off the event path.
    st.builder.reset();
    err = std::string("JSON decoding failed: ") + e.what();
    return false;
  }
  if (!ok) {
    if (ok.Code() == rapidjson::kParseErrorTermination && !st.builder.error.empty())
      err = st.builder.error;
    else if (ok.Code() == rapidjson::kParseErrorStringEscapeInvalid && ok.Offset() < data.size() &&
             static_cast<unsigned char>(data[ok.Offset()]) < 0x20)
      // RapidJSON names a raw control byte in a string an invalid escape.
      err = "invalid JSON: unescaped control character in string";
    else
      err = std::string("invalid JSON: ") + rapidjson::GetParseError_En(ok.Code());
    err += " at byte " + std::to_string(ok.Offset());
    st.builder.reset();
    return false;
  }
  if (in.Tell() != data.size()) {
    // The reader stops at a NUL byte as if the input ended there.
    err = "invalid JSON: unexpected NUL byte at byte " + std::to_string(in.Tell());
    st.builder.reset();
    return false;
  }
  // A successful parse of one document leaves exactly its root.
  out = std::move(st.builder.values.back());
  st.builder.reset();
  return true;
}

bool json_decode(std::string_view data, value& out, std::string& err) {
  json_decoder d;
  return d.decode(data, out, err);
}

// -- encoding -----------------------------------------------------------------

namespace {

// Appends to a std::string through a raw pointer: std::string's own
// push_back/append are out-of-line calls into libstdc++, which dominated
// encoding. The string is grown (zero-filled) ahead and trimmed at the end.
class out_buffer {
public:
  explicit out_buffer(std::string& s) : s_(s), pos_(s.size()) {
    s_.resize(std::max(s_.capacity(), pos_ + 256));
  }
  ~out_buffer() { s_.resize(pos_); }
  out_buffer(const out_buffer&) = delete;
  out_buffer& operator=(const out_buffer&) = delete;

  /// Returns room for at least `n` bytes at the write position.
  char* room(size_t n) {
    if (s_.size() - pos_ < n)
      s_.resize(std::max(s_.size() * 2, pos_ + n + 256));
    return &s_[pos_];
  }
  void advance(size_t n) { pos_ += n; }
  void put(char c) {
    *room(1) = c;
    ++pos_;
  }
  void append(const char* p, size_t n) {
    std::memcpy(room(n), p, n);
    pos_ += n;
  }
  void append(std::string_view v) { append(v.data(), v.size()); }

private:
  std::string& s_;
  size_t pos_;
};

// 0: copy as is; 'u': \u00XX; anything else: backslash + that character.
struct escape_table {
  char e[256] = {};
  constexpr escape_table() {
    for (int c = 0; c < 0x20; ++c)
      e[c] = 'u';
    e[static_cast<unsigned char>('\b')] = 'b';
    e[static_cast<unsigned char>('\f')] = 'f';
    e[static_cast<unsigned char>('\n')] = 'n';
    e[static_cast<unsigned char>('\r')] = 'r';
    e[static_cast<unsigned char>('\t')] = 't';
    e[static_cast<unsigned char>('"')] = '"';
    e[static_cast<unsigned char>('\\')] = '\\';
  }
};
constexpr escape_table escapes{};

// Returns the number of leading bytes of the 16 at `p` that need no escape
// (16 when none does).
inline size_t clean_prefix16(const char* p) {
#if defined(__SSE2__)
  unsigned high = 0;
  unsigned mask = json_special_mask16(p, high);
  return mask == 0 ? 16 : static_cast<size_t>(__builtin_ctz(mask));
#else
  for (size_t i = 0; i < 16; ++i)
    if (escapes.e[static_cast<unsigned char>(p[i])] != 0)
      return i;
  return 16;
#endif
}

void write_string(out_buffer& out, std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  // Room for the quotes and the text unescaped, plus 16 bytes of slack so
  // whole 16-byte blocks can be stored; each escape asks for more.
  char* base = out.room(s.size() + 2 + 16);
  char* dst = base;
  *dst++ = '"';
  while (p < end) {
    if (end - p >= 16) {
      size_t n = clean_prefix16(p);
      std::memcpy(dst, p, 16); // bytes past n are overwritten below
      p += n;
      dst += n;
      if (n == 16)
        continue;
    } else {
      // A short tail (most keys): check it padded with clean bytes in one go.
      char block[16];
      std::memset(block, 'a', sizeof(block));
      auto rest = static_cast<size_t>(end - p);
      std::memcpy(block, p, rest);
      size_t n = std::min(clean_prefix16(block), rest);
      std::memcpy(dst, block, 16);
      p += n;
      dst += n;
      if (p == end)
        break;
    }
    auto c = static_cast<unsigned char>(*p++);
    char e = escapes.e[c];
    if (e == 0) {
      *dst++ = static_cast<char>(c);
      continue;
    }
    out.advance(static_cast<size_t>(dst - base));
    base = dst = out.room(6 + static_cast<size_t>(end - p) + 1 + 16);
    *dst++ = '\\';
    if (e == 'u') {
      static constexpr char hex[] = "0123456789abcdef";
      *dst++ = 'u';
      *dst++ = '0';
      *dst++ = '0';
      *dst++ = hex[c >> 4];
      *dst++ = hex[c & 15];
    } else {
      *dst++ = e;
    }
  }
  *dst++ = '"';
  out.advance(static_cast<size_t>(dst - base));
}

template <class Int>
void write_int(out_buffer& out, Int i) {
  char* dst = out.room(24);
  auto r = std::to_chars(dst, dst + 24, i);
  out.advance(static_cast<size_t>(r.ptr - dst));
}

constexpr double powers_of_ten[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};

// Most event floats have few decimals (latencies, prices). For those, the
// fewest decimals k whose rounding m = round(d * 10^k) divides back to d
// exactly give the shortest form: m < 10^15 keeps it within 15 significant
// digits, where the decimal for a double is unique, and m / 10^k is then
// correctly rounded (both exact in a double), as a parser would round it.
bool write_short_decimal(out_buffer& out, double d) {
  if (d < 1e-5 || d >= 1e15)
    return false;
  for (int k = 0; k <= 8; ++k) {
    double scaled = d * powers_of_ten[k];
    if (scaled >= 1e15)
      return false;
    double m = std::nearbyint(scaled);
    if (m / powers_of_ten[k] != d)
      continue;
    char digits[24];
    auto r = std::to_chars(digits, digits + sizeof(digits), static_cast<uint64_t>(m));
    auto len = static_cast<int>(r.ptr - digits);
    char* dst = out.room(static_cast<size_t>(len + k) + 4);
    char* const start = dst;
    if (k == 0) {
      std::memcpy(dst, digits, static_cast<size_t>(len));
      dst += len;
      *dst++ = '.';
      *dst++ = '0';
    } else if (len > k) {
      std::memcpy(dst, digits, static_cast<size_t>(len - k));
      dst += len - k;
      *dst++ = '.';
      std::memcpy(dst, digits + len - k, static_cast<size_t>(k));
      dst += k;
    } else {
      *dst++ = '0';
      *dst++ = '.';
      for (int z = len; z < k; ++z)
        *dst++ = '0';
      std::memcpy(dst, digits, static_cast<size_t>(len));
      dst += len;
    }
    out.advance(static_cast<size_t>(dst - start));
    return true;
  }
  return false;
}

// Lays out the shortest round-trip digits (std::to_chars, Ryu in libstdc++)
// the way Rust's ryu, Tremor's float printer, does: `42.0`, `0.001`, `1e16`,
// `1.5e-7`.
void write_double(out_buffer& out, double d) {
  if (!std::isfinite(d)) {
    out.append("null");
    return;
  }
  if (d == 0) {
    out.append(std::signbit(d) ? "-0.0" : "0.0");
    return;
  }
  if (d < 0) {
    out.put('-');
    d = -d;
  }
  if (write_short_decimal(out, d))
    return;
  // Scientific form "d.ddde±x" gives the digits and the exponent directly.
  char sci[40];
  auto r = std::to_chars(sci, sci + sizeof(sci), d, std::chars_format::scientific);
  const char* e = std::find(sci, r.ptr, 'e');
  char digits[24];
  int len = 0;
  for (const char* p = sci; p < e; ++p)
    if (*p != '.')
      digits[len++] = *p;
  int exp10 = 0;
  std::from_chars(e + 1 + (e[1] == '+'), r.ptr, exp10);
  int kk = exp10 + 1; // the value is 0.d1d2... x 10^kk
  int k = kk - len;   // ... = d1d2... x 10^k
  if (k >= 0 && kk <= 16) {
    out.append(digits, static_cast<size_t>(len));
    for (int z = 0; z < k; ++z)
      out.put('0');
    out.append(".0");
  } else if (kk > 0 && kk <= 16) {
    out.append(digits, static_cast<size_t>(kk));
    out.put('.');
    out.append(digits + kk, static_cast<size_t>(len - kk));
  } else if (kk > -5 && kk <= 0) {
    out.append("0.");
    for (int z = 0; z < -kk; ++z)
      out.put('0');
    out.append(digits, static_cast<size_t>(len));
  } else {
    out.put(digits[0]);
    if (len > 1) {
      out.put('.');
      out.append(digits + 1, static_cast<size_t>(len - 1));
    }
    out.put('e');
    write_int(out, exp10);
  }
}

struct writer {
  out_buffer& out;
  bool sorted;

  // Recursion is bounded by json_max_depth (about 100 bytes of stack per
  // level), the same bound the decoder enforces.
  bool write(const value& v, size_t depth) {
    switch (v.kind()) {
      case value_kind::null: out.append("null"); return true;
      case value_kind::boolean: out.append(v.as_bool() ? "true" : "false"); return true;
      case value_kind::i64: write_int(out, v.as_i64_unchecked()); return true;
      case value_kind::u64: write_int(out, v.as_u64_unchecked()); return true;
      case value_kind::f64: write_double(out, v.as_f64_unchecked()); return true;
      case value_kind::string: write_string(out, v.as_string()); return true;
      case value_kind::bytes: {
        out.put('[');
        bool first = true;
        for (char c : v.as_bytes().data) {
          if (!first)
            out.put(',');
          first = false;
          write_int(out, static_cast<unsigned>(static_cast<unsigned char>(c)));
        }
        out.put(']');
        return true;
      }
      case value_kind::array: {
        if (depth >= json_max_depth)
          return false;
        out.put('[');
        bool first = true;
        for (const auto& e : v.as_array()) {
          if (!first)
            out.put(',');
          first = false;
          if (!write(e, depth + 1))
            return false;
        }
        out.put(']');
        return true;
      }
      case value_kind::record: {
        if (depth >= json_max_depth)
          return false;
        out.put('{');
        const auto& r = v.as_record();
        bool first = true;
        auto member = [&](const record::entry& e) {
          if (!first)
            out.put(',');
          first = false;
          write_string(out, e.first);
          out.put(':');
          return write(e.second, depth + 1);
        };
        if (sorted && r.size() > 1) {
          for (const auto* e : r.sorted())
            if (!member(*e))
              return false;
        } else {
          for (const auto& e : r)
            if (!member(e))
              return false;
        }
        out.put('}');
        return true;
      }
    }
    return true;
  }
};

} // namespace

bool json_encode(const value& v, json_mode mode, std::string& out, std::string& err) {
  size_t before = out.size();
  bool ok;
  {
    out_buffer buffer(out);
    writer w{buffer, mode == json_mode::sorted};
    ok = w.write(v, 0);
  }
  if (ok)
    return true;
  out.resize(before);
  err = "value nested deeper than " + std::to_string(json_max_depth)
        + " levels cannot be encoded as JSON";
  return false;
}

void append_json_float(std::string& out, double d) {
  out_buffer buffer(out);
  write_double(buffer, d);
}

std::string json_to_string(const value& v, json_mode mode) {
  std::string out, err;
  if (!json_encode(v, mode, out, err))
    return {};
  return out;
}

// -- codec --------------------------------------------------------------------

bool json_codec::decode(std::string_view data, value& out, std::string& err) {
  return decoder_.decode(data, out, err);
}

bool json_codec::encode(const value& v, std::string& out, std::string& err) {
  return json_encode(v, mode_, out, err);
}

std::unique_ptr<codec> make_json_codec(const value& config, std::string& err) {
  constexpr std::string_view owner = "json codec";
  if (!check_config_keys(config, owner, {"mode"}, err))
    return nullptr;
  std::string mode = "unsorted";
  if (!read_string(config, "mode", owner, mode, err))
    return nullptr;
  if (mode == "sorted")
    return std::make_unique<json_codec>(json_mode::sorted);
  if (mode == "unsorted")
    return std::make_unique<json_codec>(json_mode::unsorted);
  err = "`mode` in the json codec config must be \"sorted\" or \"unsorted\", not \"" + mode + "\"";
  return nullptr;
}

std::unique_ptr<codec> make_json_sorted_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "json-sorted codec", {}, err))
    return nullptr;
  return std::make_unique<json_codec>(json_mode::sorted);
}

} // namespace temblor::codecs
