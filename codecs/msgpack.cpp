#include "codecs/msgpack.hpp"

#include <cstring>
#include <vector>

#include "codecs/config.hpp"
#include "codecs/json.hpp"
#include "codecs/utf8.hpp"

namespace temblor::codecs {

// -- decoding -----------------------------------------------------------------

namespace {

class reader {
public:
  explicit reader(std::string_view d) : d_(d) {}

  size_t left() const { return d_.size() - pos_; }
  size_t pos() const { return pos_; }

  bool byte(uint8_t& out) {
    if (left() < 1)
      return false;
    out = static_cast<uint8_t>(d_[pos_++]);
    return true;
  }

  bool be(size_t n, uint64_t& out) {
    if (left() < n)
      return false;
    out = 0;
    for (size_t i = 0; i < n; ++i)
      out = out << 8 | static_cast<uint8_t>(d_[pos_ + i]);
    pos_ += n;
    return true;
  }

  bool bytes(uint64_t n, std::string_view& out) {
    if (left() < n)
      return false;
    out = d_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return true;
  }

private:
  std::string_view d_;
  size_t pos_ = 0;
};

// A container being filled; `remaining` counts entries (key+value pairs
// for maps) still to read.
struct frame {
  value container;
  uint64_t remaining;
  std::string key;
  bool want_key; // maps alternate key, value
};

} // namespace

bool msgpack_codec::decode(std::string_view data, value& out, std::string& err) {
  reader in(data);
  std::vector<frame> stack;
  auto fail = [&](const std::string& what) {
    err = "msgpack: " + what + " at byte " + std::to_string(in.pos());
    return false;
  };
  for (;;) {
    // Read one item: either a scalar in `item`, or a new container pushed.
    value item;
    bool is_key = !stack.empty() && stack.back().want_key;
    uint8_t tag = 0;
    if (!in.byte(tag))
      return fail("truncated data");
    uint64_t n = 0;
    std::string_view raw;
    auto read_str = [&](uint64_t len) {
      if (!in.bytes(len, raw))
        return fail("truncated string");
      if (!utf8_valid(raw))
        return fail("invalid UTF-8 in a string");
      item = value{std::string(raw)};
      return true;
    };
    auto open = [&](uint64_t count, bool map) {
      // Every entry takes at least one byte: a count beyond the input is a lie.
      if (count > in.left())
        return fail("container larger than the data");
      if (stack.size() >= json_max_depth)
        return fail("nested deeper than " + std::to_string(json_max_depth) + " levels");
      frame f{map ? value{record{}} : value{array{}}, count, {}, map};
      if (map)
        f.container.as_record().reserve(static_cast<size_t>(count));
      else
        f.container.as_array().reserve(static_cast<size_t>(count));
      stack.push_back(std::move(f));
      return true;
    };
    bool opened = false;
    if (tag <= 0x7f) {
      item = value{static_cast<int>(tag)};
    } else if (tag >= 0xe0) {
      item = value{static_cast<int>(static_cast<int8_t>(tag))};
    } else if (tag >= 0xa0 && tag <= 0xbf) {
      if (!read_str(tag & 0x1f))
        return false;
    } else if (tag >= 0x80 && tag <= 0x8f) {
      if (!open(tag & 0x0f, true))
        return false;
      opened = true;
    } else if (tag >= 0x90 && tag <= 0x9f) {
      if (!open(tag & 0x0f, false))
        return false;
      opened = true;
    } else {
      switch (tag) {
        case 0xc0: item = value{}; break;
        case 0xc2: item = value{false}; break;
        case 0xc3: item = value{true}; break;
        case 0xc4:
        case 0xc5:
        case 0xc6: {
          if (!in.be(size_t{1} << (tag - 0xc4), n) || !in.bytes(n, raw))
            return fail("truncated binary");
          item = value{bytes{std::string(raw)}};
          break;
        }
        case 0xca: {
          if (!in.be(4, n))
            return fail("truncated float");
          auto bits = static_cast<uint32_t>(n);
          float f;
          std::memcpy(&f, &bits, sizeof f);
          item = value{static_cast<double>(f)};
          break;
        }
        case 0xcb: {
          if (!in.be(8, n))
            return fail("truncated float");
          double d;
          std::memcpy(&d, &n, sizeof d);
          item = value{d};
          break;
        }
        case 0xcc:
        case 0xcd:
        case 0xce:
        case 0xcf:
          if (!in.be(size_t{1} << (tag - 0xcc), n))
            return fail("truncated integer");
          item = value{static_cast<unsigned long long>(n)};
          break;
        case 0xd0:
        case 0xd1:
        case 0xd2:
        case 0xd3: {
          size_t width = size_t{1} << (tag - 0xd0);
          if (!in.be(width, n))
            return fail("truncated integer");
          // Sign-extend from `width` bytes.
          int shift = static_cast<int>(64 - 8 * width);
          auto i = static_cast<int64_t>(n << shift) >> shift;
          item = value{static_cast<long long>(i)};
          break;
        }
        case 0xd9:
        case 0xda:
        case 0xdb:
          if (!in.be(size_t{1} << (tag - 0xd9), n))
            return fail("truncated string");
          if (!read_str(n))
            return false;
          break;
        case 0xdc:
        case 0xdd:
          if (!in.be(tag == 0xdc ? 2 : 4, n) || !open(n, false))
            return err.empty() ? fail("truncated array header") : false;
          opened = true;
          break;
        case 0xde:
        case 0xdf:
          if (!in.be(tag == 0xde ? 2 : 4, n) || !open(n, true))
            return err.empty() ? fail("truncated map header") : false;
          opened = true;
          break;
        default: return fail("unsupported type tag " + std::to_string(tag) + " (extension?)");
      }
    }
    if (opened) {
      if (is_key)
        return fail("map keys must be strings");
    } else if (is_key) {
      if (!item.is_string())
        return fail("map keys must be strings");
      stack.back().key = std::move(item.as_string());
      stack.back().want_key = false;
      continue;
    }
    // Close every container this item completes, innermost first.
    bool have_item = !opened;
    for (;;) {
      if (stack.empty()) {
        if (!have_item)
          break; // unreachable: an opened container is on the stack
        if (in.left() != 0)
          return fail("trailing data after the value");
        out = std::move(item);
        return true;
      }
      frame& top = stack.back();
      if (have_item) {
        if (top.container.is_array()) {
          top.container.as_array().push_back(std::move(item));
        } else {
          // Last value wins for a repeated key, as in the json codec.
          top.container.as_record().set(std::move(top.key), std::move(item));
          top.want_key = true;
        }
        --top.remaining;
        have_item = false;
      }
      if (top.remaining != 0)
        break;
      item = std::move(top.container);
      stack.pop_back();
      have_item = true;
    }
  }
}

// -- encoding -----------------------------------------------------------------

namespace {

void put_be(std::string& out, uint8_t tag, uint64_t n, size_t width) {
  out.push_back(static_cast<char>(tag));
  for (size_t i = width; i-- > 0;)
    out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
}

void put_uint(std::string& out, uint64_t u) {
  if (u <= 0x7f)
    out.push_back(static_cast<char>(u));
  else if (u <= 0xff)
    put_be(out, 0xcc, u, 1);
  else if (u <= 0xffff)
    put_be(out, 0xcd, u, 2);
  else if (u <= 0xffffffffu)
    put_be(out, 0xce, u, 4);
  else
    put_be(out, 0xcf, u, 8);
}

void put_int(std::string& out, int64_t i) {
  if (i >= 0)
    return put_uint(out, static_cast<uint64_t>(i));
  auto u = static_cast<uint64_t>(i);
  if (i >= -32)
    out.push_back(static_cast<char>(u & 0xFF));
  else if (i >= INT8_MIN)
    put_be(out, 0xd0, u, 1);
  else if (i >= INT16_MIN)
    put_be(out, 0xd1, u, 2);
  else if (i >= INT32_MIN)
    put_be(out, 0xd2, u, 4);
  else
    put_be(out, 0xd3, u, 8);
}

void put_len(std::string& out, size_t n, uint8_t fix, uint8_t fix_max, uint8_t tag8,
             uint8_t tag16, uint8_t tag32) {
  if (n <= fix_max && fix != 0)
    out.push_back(static_cast<char>(fix | n));
  else if (n <= 0xff && tag8 != 0)
    put_be(out, tag8, n, 1);
  else if (n <= 0xffff)
    put_be(out, tag16, n, 2);
  else
    put_be(out, tag32, n, 4);
}

void put_str(std::string& out, std::string_view s) {
  put_len(out, s.size(), 0xa0, 31, 0xd9, 0xda, 0xdb);
  out += s;
}

bool put_value(std::string& out, const value& v, size_t depth) {
  switch (v.kind()) {
    case value_kind::null: out.push_back(static_cast<char>(0xc0)); return true;
    case value_kind::boolean: out.push_back(static_cast<char>(v.as_bool() ? 0xc3 : 0xc2)); return true;
    case value_kind::i64: put_int(out, v.as_i64_unchecked()); return true;
    case value_kind::u64: put_uint(out, v.as_u64_unchecked()); return true;
    case value_kind::f64: {
      double d = v.as_f64_unchecked();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      put_be(out, 0xcb, bits, 8);
      return true;
    }
    case value_kind::string: put_str(out, v.as_string()); return true;
    case value_kind::bytes: {
      const auto& b = v.as_bytes().data;
      put_len(out, b.size(), 0, 0, 0xc4, 0xc5, 0xc6);
      out += b;
      return true;
    }
    case value_kind::array: {
      if (depth >= json_max_depth)
        return false;
      const auto& a = v.as_array();
      put_len(out, a.size(), 0x90, 15, 0, 0xdc, 0xdd);
      for (const auto& e : a)
        if (!put_value(out, e, depth + 1))
          return false;
      return true;
    }
    case value_kind::record: {
      if (depth >= json_max_depth)
        return false;
      const auto& r = v.as_record();
      put_len(out, r.size(), 0x80, 15, 0, 0xde, 0xdf);
      for (const auto& [k, e] : r) {
        put_str(out, k);
        if (!put_value(out, e, depth + 1))
          return false;
      }
      return true;
    }
  }
  return true;
}

} // namespace

bool msgpack_codec::encode(const value& v, std::string& out, std::string& err) {
  size_t before = out.size();
  if (put_value(out, v, 0))
    return true;
  out.resize(before);
  err = "value nested deeper than " + std::to_string(json_max_depth)
        + " levels cannot be encoded as msgpack";
  return false;
}

std::unique_ptr<codec> make_msgpack_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "msgpack codec", {}, err))
    return nullptr;
  return std::make_unique<msgpack_codec>();
}

} // namespace temblor::codecs
