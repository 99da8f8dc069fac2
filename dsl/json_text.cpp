#include "dsl/json_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dsl/utf8_encode.hpp"

namespace temblor::dsl {

namespace {

void write_string(const std::string& s, std::string& out) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

constexpr int max_json_depth = 1024;

class json_reader {
public:
  explicit json_reader(std::string_view t) : t_(t) {}

  bool parse(value& out, std::string& err) {
    if (!val(out, 0) ) {
      err = err_;
      return false;
    }
    ws();
    if (i_ != t_.size()) {
      err = "Unexpected trailing characters at " + std::to_string(i_);
      return false;
    }
    return true;
  }

private:
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t'))
      ++i_;
  }
  bool bad(const char* m) {
    err_ = std::string(m) + " at character " + std::to_string(i_);
    return false;
  }
  bool lit(const char* w) {
    size_t n = std::strlen(w);
    if (t_.substr(i_, n) != w)
      return bad("Invalid literal");
    i_ += n;
    return true;
  }
  bool hex4(uint32_t& cp) {
    if (i_ + 4 > t_.size())
      return bad("Invalid unicode escape");
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      char c = t_[i_++];
      cp <<= 4;
      if (c >= '0' && c <= '9')
        cp |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        cp |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        cp |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return bad("Invalid unicode escape");
    }
    return true;
  }
  bool str(std::string& s) {
    ++i_; // "
    while (true) {
      if (i_ >= t_.size())
        return bad("Unterminated string");
      char c = t_[i_++];
      if (c == '"')
        return true;
      if (static_cast<unsigned char>(c) < 0x20)
        return bad("Control character in string");
      if (c != '\\') {
        s.push_back(c);
        continue;
      }
      if (i_ >= t_.size())
        return bad("Unterminated string");
      char e = t_[i_++];
      switch (e) {
        case '"': s.push_back('"'); break;
        case '\\': s.push_back('\\'); break;
        case '/': s.push_back('/'); break;
        case 'b': s.push_back('\b'); break;
        case 'f': s.push_back('\f'); break;
        case 'n': s.push_back('\n'); break;
        case 'r': s.push_back('\r'); break;
        case 't': s.push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp))
            return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t lo = 0;
            if (t_.substr(i_, 2) != "\\u")
              return bad("Lone surrogate");
            i_ += 2;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF)
              return bad("Lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return bad("Lone surrogate");
          }
          append_utf8(s, cp);
          break;
        }
        default: return bad("Invalid escape");
      }
    }
  }
  bool num(value& out) {
    size_t b = i_;
    bool neg = false, flt = false;
    if (t_[i_] == '-') {
      neg = true;
      ++i_;
    }
    while (i_ < t_.size() && ((t_[i_] >= '0' && t_[i_] <= '9') || t_[i_] == '.' || t_[i_] == 'e' ||
                              t_[i_] == 'E' || t_[i_] == '+' || t_[i_] == '-')) {
      if (t_[i_] == '.' || t_[i_] == 'e' || t_[i_] == 'E')
        flt = true;
      ++i_;
    }
    std::string s(t_.substr(b, i_ - b));
    if (s.empty() || s == "-")
      return bad("Invalid number");
    char* end = nullptr;
    if (!flt) {
      errno = 0;
      if (neg) {
        long long v = std::strtoll(s.c_str(), &end, 10);
        if (errno == 0 && *end == 0) {
          out = value(v);
          return true;
        }
      } else {
        unsigned long long v = std::strtoull(s.c_str(), &end, 10);
        if (errno == 0 && *end == 0) {
          out = value(v);
          return true;
        }
      }
    }
    double d = std::strtod(s.c_str(), &end);
    if (*end != 0)
      return bad("Invalid number");
    out = value(d);
    return true;
  }
  bool val(value& out, int depth) {
    if (depth > max_json_depth)
      return bad("Nesting too deep");
    ws();
    if (i_ >= t_.size())
      return bad("Unexpected end of input");
    char c = t_[i_];
    if (c == '{') {
      ++i_;
      record r;
      ws();
      if (i_ < t_.size() && t_[i_] == '}') {
        ++i_;
        out = value(std::move(r));
        return true;
      }
      while (true) {
        ws();
        if (i_ >= t_.size() || t_[i_] != '"')
          return bad("Expected a key");
        std::string k;
        if (!str(k))
          return false;
        ws();
        if (i_ >= t_.size() || t_[i_] != ':')
          return bad("Expected `:`");
        ++i_;
        value v;
        if (!val(v, depth + 1))
          return false;
        r.set(std::move(k), std::move(v));
        ws();
        if (i_ < t_.size() && t_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < t_.size() && t_[i_] == '}') {
          ++i_;
          break;
        }
        return bad("Expected `,` or `}`");
      }
      out = value(std::move(r));
      return true;
    }
    if (c == '[') {
      ++i_;
      array a;
      ws();
      if (i_ < t_.size() && t_[i_] == ']') {
        ++i_;
        out = value(std::move(a));
        return true;
      }
      while (true) {
        value v;
        if (!val(v, depth + 1))
          return false;
        a.push_back(std::move(v));
        ws();
        if (i_ < t_.size() && t_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < t_.size() && t_[i_] == ']') {
          ++i_;
          break;
        }
        return bad("Expected `,` or `]`");
      }
      out = value(std::move(a));
      return true;
    }
    if (c == '"') {
      std::string s;
      if (!str(s))
        return false;
      out = value(std::move(s));
      return true;
    }
    if (c == 't') {
      out = value(true);
      return lit("true");
    }
    if (c == 'f') {
      out = value(false);
      return lit("false");
    }
    if (c == 'n') {
      out = value();
      return lit("null");
    }
    return num(out);
  }

  std::string_view t_;
  size_t i_ = 0;
  std::string err_;
};

} // namespace

std::string format_float(double d) {
  if (std::isnan(d))
    return "NaN";
  if (std::isinf(d))
    return d < 0 ? "-inf" : "inf";
  char buf[64];
  int prec = 1;
  for (; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
    if (std::strtod(buf, nullptr) == d)
      break;
  }
  // buf = [-]d.ddde[+-]xx
  std::string s(buf);
  size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  int exp = std::atoi(s.c_str() + e + 1);
  bool neg = !mant.empty() && mant[0] == '-';
  if (neg)
    mant.erase(0, 1);
  std::string digits;
  for (char c : mant)
    if (c != '.')
      digits.push_back(c);
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  std::string out = neg ? "-" : "";
  if (exp >= -5 && exp < 16) {
    if (exp < 0) {
      out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
    } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
      out += digits + std::string(static_cast<size_t>(exp) + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(exp) + 1) + "." +
             digits.substr(static_cast<size_t>(exp) + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1)
    out += "." + digits.substr(1);
  out += "e" + std::to_string(exp);
  return out;
}

void write_json(const value& v, std::string& out, bool sorted) {
  switch (v.kind()) {
    case value_kind::null: out += "null"; break;
    case value_kind::boolean: out += v.as_bool() ? "true" : "false"; break;
    case value_kind::i64: out += std::to_string(v.as_i64_unchecked()); break;
    case value_kind::u64: out += std::to_string(v.as_u64_unchecked()); break;
    case value_kind::f64: {
      double d = v.as_f64_unchecked();
      out += std::isfinite(d) ? format_float(d) : "null";
      break;
    }
    case value_kind::string: write_string(v.as_string(), out); break;
    case value_kind::bytes: {
      // Bytes print as an array of numbers, as Tremor's json encoder does.
      out.push_back('[');
      bool first = true;
      for (unsigned char c : v.as_bytes().data) {
        if (!first)
          out.push_back(',');
        first = false;
        out += std::to_string(c);
      }
      out.push_back(']');
      break;
    }
    case value_kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& x : v.as_array()) {
        if (!first)
          out.push_back(',');
        first = false;
        write_json(x, out, sorted);
      }
      out.push_back(']');
      break;
    }
    case value_kind::record: {
      out.push_back('{');
      bool first = true;
      auto one = [&](const std::string& k, const value& x) {
        if (!first)
          out.push_back(',');
        first = false;
        write_string(k, out);
        out.push_back(':');
        write_json(x, out, sorted);
      };
      if (sorted) {
        for (const auto* e : v.as_record().sorted())
          one(e->first, e->second);
      } else {
        for (const auto& [k, x] : v.as_record())
          one(k, x);
      }
      out.push_back('}');
      break;
    }
  }
}

namespace {

void write_pretty(const value& v, std::string& out, size_t indent) {
  auto newline = [&](size_t n) {
    out.push_back('\n');
    out.append(n * 2, ' ');
  };
  if (v.is_array() && !v.as_array().empty()) {
    out.push_back('[');
    bool first = true;
    for (const auto& x : v.as_array()) {
      if (!first)
        out.push_back(',');
      first = false;
      newline(indent + 1);
      write_pretty(x, out, indent + 1);
    }
    newline(indent);
    out.push_back(']');
    return;
  }
  if (v.is_record() && !v.as_record().empty()) {
    out.push_back('{');
    bool first = true;
    for (const auto& [k, x] : v.as_record()) {
      if (!first)
        out.push_back(',');
      first = false;
      newline(indent + 1);
      write_json(value(k), out);
      out += ": ";
      write_pretty(x, out, indent + 1);
    }
    newline(indent);
    out.push_back('}');
    return;
  }
  write_json(v, out);
}

} // namespace

std::string to_json_pretty(const value& v) {
  std::string s;
  write_pretty(v, s, 0);
  return s;
}

std::string to_json(const value& v, bool sorted) {
  std::string s;
  write_json(v, s, sorted);
  return s;
}

bool from_json(std::string_view text, value& out, std::string& err) {
  json_reader r(text);
  return r.parse(out, err);
}

} // namespace temblor::dsl
