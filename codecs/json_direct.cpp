#include "codecs/json_direct.hpp"

#include <cstring>
#include <iterator>

#include "codecs/json_build.hpp"
#include "codecs/json_scan.hpp"
#include "codecs/utf8.hpp"
#include "runtime/core/hex_digit.hpp"

namespace temblor::codecs {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Returns the first '"', '\\' or control byte at or after `p` (or `end`),
// and sets `high` when a byte >= 0x80 comes before it.
const char* scan_plain(const char* p, const char* end, bool& high) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    unsigned top_bits = 0;
    unsigned stop = json_special_mask16(p, top_bits);
    if (stop != 0) {
      auto n = static_cast<unsigned>(__builtin_ctz(stop));
      high = high || (top_bits & ((1u << n) - 1)) != 0;
      return p + n;
    }
    high = high || top_bits != 0;
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20)
      return p;
    high = high || c >= 0x80;
  }
  return p;
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

} // namespace

bool json_direct_reader::read(std::string_view data, value& out) {
  p_ = data.data();
  end_ = p_ + data.size();
  elements_.clear();
  members_.clear();
  skip_whitespace();
  if (!read_value(out, 0))
    return false;
  skip_whitespace();
  return p_ == end_;
}

void json_direct_reader::skip_whitespace() {
  while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
    ++p_;
}

bool json_direct_reader::read_value(value& out, size_t depth) {
  if (p_ == end_)
    return false;
  switch (*p_) {
    case '{': return read_record(out, depth + 1);
    case '[': return read_array(out, depth + 1);
    case '"': return read_string(out.variant().emplace<std::string>());
    case 't':
      out = value{true};
      return read_literal("true");
    case 'f':
      out = value{false};
      return read_literal("false");
    case 'n':
      out = value{};
      return read_literal("null");
    default: return read_number(out);
  }
}

bool json_direct_reader::read_literal(std::string_view word) {
  if (static_cast<size_t>(end_ - p_) < word.size()
      || std::memcmp(p_, word.data(), word.size()) != 0)
    return false;
  p_ += word.size();
  return true;
}

bool json_direct_reader::after_item(char close, bool& closed) {
  skip_whitespace();
  if (p_ == end_)
    return false;
  if (*p_ == close) {
    ++p_;
    closed = true;
    return true;
  }
  if (*p_ != ',')
    return false;
  ++p_;
  skip_whitespace();
  return true;
}

bool json_direct_reader::read_array(value& out, size_t depth) {
  if (depth > max_depth)
    return false;
  ++p_; // '['
  skip_whitespace();
  if (p_ < end_ && *p_ == ']') {
    ++p_;
    out = value{array{}};
    return true;
  }
  size_t base = elements_.size();
  for (;;) {
    // Read into a local: nested containers grow elements_, which would
    // invalidate a reference into it.
    value element;
    if (!read_value(element, depth))
      return false;
    elements_.push_back(std::move(element));
    bool closed = false;
    if (!after_item(']', closed))
      return false;
    if (closed)
      break;
  }
  auto first = elements_.begin() + static_cast<std::ptrdiff_t>(base);
  out = value{array(std::make_move_iterator(first), std::make_move_iterator(elements_.end()))};
  elements_.erase(first, elements_.end());
  return true;
}

bool json_direct_reader::read_record(value& out, size_t depth) {
  if (depth > max_depth)
    return false;
  ++p_; // '{'
  skip_whitespace();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
    out = value{record{}};
    return true;
  }
  size_t base = members_.size();
  for (;;) {
    if (p_ == end_ || *p_ != '"')
      return false;
    std::string key;
    if (!read_string(key))
      return false;
    skip_whitespace();
    if (p_ == end_ || *p_ != ':')
      return false;
    ++p_;
    skip_whitespace();
    value member;
    if (!read_value(member, depth))
      return false;
    members_.emplace_back(std::move(key), std::move(member));
    bool closed = false;
    if (!after_item('}', closed))
      return false;
    if (closed)
      break;
  }
  size_t n = members_.size() - base;
  record r;
  // As the RapidJSON path does: room for the few fields a script often adds
  // to an event's top-level record.
  r.reserve(depth == 1 ? n + 4 : n);
  for (size_t i = base; i < members_.size(); ++i)
    r.push_unchecked(std::move(members_[i].first), std::move(members_[i].second));
  members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(base), members_.end());
  json_dedupe_keys(r);
  out = value{std::move(r)};
  return true;
}

bool json_direct_reader::read_string(std::string& out) {
  const char* start = ++p_; // past the opening quote
  bool high = false;
  const char* stop = scan_plain(start, end_, high);
  if (stop == end_)
    return false;
  if (*stop == '"') {
    std::string_view raw(start, static_cast<size_t>(stop - start));
    if (high && !utf8_valid(raw))
      return false;
    out.assign(raw.data(), raw.size());
    p_ = stop + 1;
    return true;
  }
  if (*stop != '\\')
    return false; // a raw control byte
  out.assign(start, stop);
  p_ = stop;
  if (!read_escaped(out, high))
    return false;
  // Escapes are ASCII and decode to valid UTF-8 (lone surrogates were given
  // up), so checking the raw text checks the result.
  return !high || utf8_valid(std::string_view(start, static_cast<size_t>(p_ - 1 - start)));
}

bool json_direct_reader::read_escaped(std::string& out, bool& high) {
  for (;;) {
    // At a backslash.
    if (end_ - p_ < 2)
      return false;
    char e = p_[1];
    p_ += 2;
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        unsigned cp = 0;
        if (!read_hex4(cp))
          return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned low = 0;
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
            return false;
          p_ += 2;
          if (!read_hex4(low) || low < 0xDC00 || low > 0xDFFF)
            return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, cp);
        break;
      }
      default: return false;
    }
    const char* run = p_;
    const char* stop = scan_plain(run, end_, high);
    if (stop == end_)
      return false;
    out.append(run, stop);
    p_ = stop + 1;
    if (*stop == '"')
      return true;
    if (*stop != '\\')
      return false;
    p_ = stop;
  }
}

bool json_direct_reader::read_hex4(unsigned& cp) {
  if (end_ - p_ < 4)
    return false;
  cp = 0;
  for (int i = 0; i < 4; ++i) {
    int h = hex_digit(p_[i]);
    if (h < 0)
      return false;
    cp = cp * 16 + static_cast<unsigned>(h);
  }
  p_ += 4;
  return true;
}

bool json_direct_reader::read_number(value& out) {
  const char* start = p_;
  const char* q = p_;
  if (q < end_ && *q == '-')
    ++q;
  if (q == end_)
    return false;
  if (*q == '0') {
    ++q;
  } else if (*q >= '1' && *q <= '9') {
    while (q < end_ && is_digit(*q))
      ++q;
  } else {
    return false;
  }
  if (q < end_ && *q == '.') {
    ++q;
    if (q == end_ || !is_digit(*q))
      return false;
    while (q < end_ && is_digit(*q))
      ++q;
  }
  if (q < end_ && (*q == 'e' || *q == 'E')) {
    ++q;
    if (q < end_ && (*q == '+' || *q == '-'))
      ++q;
    const char* digits = q;
    while (q < end_ && is_digit(*q))
      ++q;
    // RapidJSON rejects some numbers with exponents past 308 that a
    // conversion would read (`0e309`); short exponents keep clear of that.
    if (q == digits || q - digits > 2)
      return false;
  }
  // Nor can a mantissa this short reach RapidJSON's overflow check.
  if (q - start > 40)
    return false;
  if (!json_number_value(std::string_view(start, static_cast<size_t>(q - start)), out))
    return false;
  p_ = q;
  return true;
}

} // namespace temblor::codecs
