#include "codecs/json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_set>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "codecs/config.hpp"
#include "codecs/utf8.hpp"

namespace temblor::codecs {

// -- decoding -----------------------------------------------------------------

namespace {

// Makes duplicate keys keep the last value at the first key's position, as
// Tremor's map insert does. Objects rarely have duplicates, so the common
// path only looks.
void dedupe_keys(record& r) {
  size_t n = r.size();
  if (n < 2)
    return;
  const auto& es = r.entries();
  bool dup = false;
  if (n <= 24) {
    for (size_t i = 1; i < n && !dup; ++i)
      for (size_t j = 0; j < i && !dup; ++j)
        dup = es[i].first == es[j].first;
  } else {
    std::unordered_set<std::string_view> seen;
    seen.reserve(n);
    for (const auto& e : es)
      if (!seen.insert(e.first).second) {
        dup = true;
        break;
      }
  }
  if (!dup)
    return;
  record out;
  out.reserve(n);
  for (auto& e : r)
    out.set(std::move(e.first), std::move(e.second));
  r = std::move(out);
}

// SAX handler building one value. Containers under construction live on an
// explicit stack, so depth costs heap, not call frames.
struct value_builder : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, value_builder> {
  std::vector<value> stack;
  std::vector<std::string> keys; // pending key per open container (unused for arrays)
  value root;
  std::string error; // set when a handler stops the parse

  void reset() {
    stack.clear();
    keys.clear();
    root = value{};
    error.clear();
  }

  bool put(value v) {
    if (stack.empty()) {
      root = std::move(v);
      return true;
    }
    value& top = stack.back();
    if (auto* a = std::get_if<array>(&top.variant()))
      a->push_back(std::move(v));
    else
      top.as_record().push_unchecked(std::move(keys.back()), std::move(v));
    return true;
  }

  bool open(value container) {
    if (stack.size() >= json_max_depth) {
      error = "JSON nested deeper than " + std::to_string(json_max_depth) + " levels";
      return false;
    }
    stack.push_back(std::move(container));
    keys.emplace_back();
    return true;
  }

  bool close() {
    value v = std::move(stack.back());
    stack.pop_back();
    keys.pop_back();
    return put(std::move(v));
  }

  bool Null() { return put(value{}); }
  bool Bool(bool b) { return put(value{b}); }
  bool Int(int i) { return put(value{i}); }
  bool Uint(unsigned u) { return put(value{u}); }
  bool Int64(int64_t i) { return put(value{static_cast<long long>(i)}); }
  bool Uint64(uint64_t u) { return put(value{static_cast<unsigned long long>(u)}); }
  bool Double(double d) { return put(value{d}); }

  bool text_ok(const char* s, rapidjson::SizeType len) {
    // RapidJSON is run without its own validation (which disables its SIMD
    // string scan) and lets an escaped lone low surrogate through; checking
    // the decoded text catches raw invalid bytes and `\uDC00` alike.
    if (utf8_valid(std::string_view(s, len)))
      return true;
    error = "invalid UTF-8 in a JSON string (or a lone surrogate escape)";
    return false;
  }

  bool String(const char* s, rapidjson::SizeType len, bool) {
    return text_ok(s, len) && put(value{std::string(s, len)});
  }

  bool Key(const char* s, rapidjson::SizeType len, bool) {
    if (!text_ok(s, len))
      return false;
    keys.back().assign(s, len);
    return true;
  }

  bool StartObject() { return open(value{record{}}); }
  bool EndObject(rapidjson::SizeType) {
    dedupe_keys(stack.back().as_record());
    return close();
  }
  bool StartArray() { return open(value{array{}}); }
  bool EndArray(rapidjson::SizeType) { return close(); }
};

// In-situ: strings are unescaped inside our own copy of the input, so the
// reader never copies them into its stack first. Iterative: the reader keeps
// its own state on the heap, never recursing per nesting level.
constexpr unsigned parse_flags = rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag
                                 | rapidjson::kParseFullPrecisionFlag;

} // namespace

struct json_decoder::state {
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
  st.buffer.assign(data.data(), data.size());
  st.buffer.push_back('\0'); // in-situ parsing stops at the terminator
  st.builder.reset();
  rapidjson::InsituStringStream in(&st.buffer[0]);
  rapidjson::ParseResult ok;
  try {
    ok = st.reader.Parse<parse_flags>(in, st.builder);
  } catch (const std::exception& e) {
    // Only allocation failures can throw here; keep them off the event path.
    st.builder.reset();
    err = std::string("JSON decoding failed: ") + e.what();
    return false;
  }
  if (!ok) {
    if (ok.Code() == rapidjson::kParseErrorTermination && !st.builder.error.empty())
      err = st.builder.error;
    else
      err = std::string("invalid JSON: ") + rapidjson::GetParseError_En(ok.Code());
    err += " at byte " + std::to_string(ok.Offset());
    st.builder.reset();
    return false;
  }
  out = std::move(st.builder.root);
  st.builder.root = value{};
  return true;
}

bool json_decode(std::string_view data, value& out, std::string& err) {
  json_decoder d;
  return d.decode(data, out, err);
}

// -- encoding -----------------------------------------------------------------

namespace {

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

// True when any of the 8 bytes is a quote, a backslash or below 0x20.
inline bool needs_escape(uint64_t w) {
  constexpr uint64_t ones = 0x0101010101010101ull;
  constexpr uint64_t highs = 0x8080808080808080ull;
  auto has_zero = [](uint64_t x) { return (x - ones) & ~x & highs; };
  uint64_t below_space = (w - ones * 0x20) & ~w & highs;
  return (below_space | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) != 0;
}

void write_string(std::string& out, std::string_view s) {
  out.push_back('"');
  const char* p = s.data();
  const char* end = p + s.size();
  const char* run = p;
  while (p < end) {
    if (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (!needs_escape(w)) {
        p += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(*p);
    char e = escapes.e[c];
    if (e == 0) {
      ++p;
      continue;
    }
    out.append(run, static_cast<size_t>(p - run));
    if (e == 'u') {
      static constexpr char hex[] = "0123456789abcdef";
      char buf[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out.append(buf, 6);
    } else {
      char buf[2] = {'\\', e};
      out.append(buf, 2);
    }
    run = ++p;
  }
  out.append(run, static_cast<size_t>(end - run));
  out.push_back('"');
}

template <class Int>
void write_int(std::string& out, Int i) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), i);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

// Lays out the shortest round-trip digits (std::to_chars, Ryu in libstdc++)
// the way Rust's ryu, Tremor's float printer, does: `42.0`, `0.001`, `1e16`,
// `1.5e-7`.
void write_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  if (d == 0) {
    out += std::signbit(d) ? "-0.0" : "0.0";
    return;
  }
  if (d < 0) {
    out.push_back('-');
    d = -d;
  }
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
    out.append(static_cast<size_t>(k), '0');
    out += ".0";
  } else if (kk > 0 && kk <= 16) {
    out.append(digits, static_cast<size_t>(kk));
    out.push_back('.');
    out.append(digits + kk, static_cast<size_t>(len - kk));
  } else if (kk > -5 && kk <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-kk), '0');
    out.append(digits, static_cast<size_t>(len));
  } else {
    out.push_back(digits[0]);
    if (len > 1) {
      out.push_back('.');
      out.append(digits + 1, static_cast<size_t>(len - 1));
    }
    out.push_back('e');
    write_int(out, exp10);
  }
}

struct writer {
  std::string& out;
  bool sorted;

  // Recursion is bounded by json_max_depth (about 100 bytes of stack per
  // level), the same bound the decoder enforces.
  bool write(const value& v, size_t depth) {
    switch (v.kind()) {
      case value_kind::null: out += "null"; return true;
      case value_kind::boolean: out += v.as_bool() ? "true" : "false"; return true;
      case value_kind::i64: write_int(out, v.as_i64_unchecked()); return true;
      case value_kind::u64: write_int(out, v.as_u64_unchecked()); return true;
      case value_kind::f64: write_double(out, v.as_f64_unchecked()); return true;
      case value_kind::string: write_string(out, v.as_string()); return true;
      case value_kind::bytes: {
        out.push_back('[');
        bool first = true;
        for (char c : v.as_bytes().data) {
          if (!first)
            out.push_back(',');
          first = false;
          write_int(out, static_cast<unsigned>(static_cast<unsigned char>(c)));
        }
        out.push_back(']');
        return true;
      }
      case value_kind::array: {
        if (!enter(depth))
          return false;
        out.push_back('[');
        bool first = true;
        for (const auto& e : v.as_array()) {
          if (!first)
            out.push_back(',');
          first = false;
          if (!write(e, depth + 1))
            return false;
        }
        out.push_back(']');
        return true;
      }
      case value_kind::record: {
        if (!enter(depth))
          return false;
        out.push_back('{');
        const auto& r = v.as_record();
        bool first = true;
        auto member = [&](const record::entry& e) {
          if (!first)
            out.push_back(',');
          first = false;
          write_string(out, e.first);
          out.push_back(':');
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
        out.push_back('}');
        return true;
      }
    }
    return true;
  }

  bool enter(size_t depth) { return depth < json_max_depth; }
};

} // namespace

bool json_encode(const value& v, json_mode mode, std::string& out, std::string& err) {
  writer w{out, mode == json_mode::sorted};
  if (w.write(v, 0))
    return true;
  err = "value nested deeper than " + std::to_string(json_max_depth)
        + " levels cannot be encoded as JSON";
  return false;
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
  size_t before = out.size();
  if (json_encode(v, mode_, out, err))
    return true;
  out.resize(before);
  return false;
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
