#include "connectors/dns/dns_answer.hpp"

#include <arpa/inet.h>
#include <ares.h>


#include "runtime/core/utf8.hpp"

namespace temblor::connectors::dns {

namespace {

struct type_name {
  std::string_view name;
  uint16_t type;
};

// The types trust-dns (and so Tremor) accepts in `$dns.lookup.type`; ANAME
// is trust-dns's private number for it.
constexpr type_name type_names[] = {
  {"A", 1},        {"NS", 2},      {"CNAME", 5},      {"SOA", 6},    {"NULL", 10},
  {"PTR", 12},     {"HINFO", 13},  {"MX", 15},        {"TXT", 16},   {"AAAA", 28},
  {"SRV", 33},     {"NAPTR", 35},  {"OPT", 41},       {"SSHFP", 44}, {"TLSA", 52},
  {"OPENPGPKEY", 61}, {"SVCB", 64}, {"HTTPS", 65},    {"IXFR", 251}, {"AXFR", 252},
  {"ANY", 255},    {"CAA", 257},   {"ANAME", 65305},  {"ZERO", 0},
};

/// Reads the wire message with bounds checks.
class reader {
public:
  reader(const unsigned char* msg, size_t length) : msg_(msg), length_(length) {}

  bool u8(size_t at, uint8_t& out) const {
    if (at + 1 > length_)
      return false;
    out = msg_[at];
    return true;
  }
  bool u16(size_t at, uint16_t& out) const {
    if (at + 2 > length_)
      return false;
    out = static_cast<uint16_t>(msg_[at] << 8 | msg_[at + 1]);
    return true;
  }
  bool u32(size_t at, uint32_t& out) const {
    if (at + 4 > length_)
      return false;
    out = static_cast<uint32_t>(msg_[at]) << 24 | static_cast<uint32_t>(msg_[at + 1]) << 16 |
          static_cast<uint32_t>(msg_[at + 2]) << 8 | msg_[at + 3];
    return true;
  }
  /// Expands the (possibly compressed) name at `at`: "host.example." with
  /// the trailing dot trust-dns shows; `used` is its length on the wire.
  bool name(size_t at, std::string& out, size_t& used) const {
    if (at >= length_)
      return false;
    char* expanded = nullptr;
    long enclen = 0;
    if (ares_expand_name(msg_ + at, msg_, static_cast<int>(length_), &expanded, &enclen) !=
        ARES_SUCCESS)
      return false;
    out = expanded;
    ares_free_string(expanded);
    out += '.';
    used = static_cast<size_t>(enclen);
    return true;
  }
  const unsigned char* at(size_t offset) const { return msg_ + offset; }

private:
  const unsigned char* msg_;
  size_t length_;
};

std::string lossy_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t bad = 0;
    size_t len = utf8_sequence_length(s, i, bad);
    if (len == 0) {
      out += "\xEF\xBF\xBD"; // U+FFFD
      i += bad;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xF];
  }
  return out;
}

/// Reads the <length><bytes> character-strings of [begin, end).
bool character_strings(const reader& r, size_t begin, size_t end,
                       std::vector<std::string>& out) {
  while (begin < end) {
    uint8_t len = 0;
    if (!r.u8(begin, len) || begin + 1 + len > end)
      return false;
    out.emplace_back(reinterpret_cast<const char*>(r.at(begin + 1)), len);
    begin += 1 + len;
  }
  return true;
}

/// Writes the rdata at [at, at + len) of a record of `type` as text.
bool rdata_text(const reader& r, uint16_t type, size_t at, size_t len, std::string& out) {
  const size_t end = at + len;
  std::string name;
  size_t used = 0;
  switch (type) {
    case 1: { // A
      if (len != 4)
        return false;
      char text[INET_ADDRSTRLEN];
      ::inet_ntop(AF_INET, r.at(at), text, sizeof(text));
      out = text;
      return true;
    }
    case 28: { // AAAA
      if (len != 16)
        return false;
      char text[INET6_ADDRSTRLEN];
      ::inet_ntop(AF_INET6, r.at(at), text, sizeof(text));
      out = text;
      return true;
    }
    case 2:     // NS
    case 5:     // CNAME
    case 12:    // PTR
    case 65305: // ANAME
      return r.name(at, out, used);
    case 15: { // MX
      uint16_t preference = 0;
      if (!r.u16(at, preference) || !r.name(at + 2, name, used))
        return false;
      out = std::to_string(preference) + " " + name;
      return true;
    }
    case 16: { // TXT: trust-dns shows the strings joined
      std::vector<std::string> parts;
      if (!character_strings(r, at, end, parts))
        return false;
      std::string joined;
      for (const auto& p : parts)
        joined += p;
      out = lossy_utf8(joined);
      return true;
    }
    case 13: { // HINFO
      std::vector<std::string> parts;
      if (!character_strings(r, at, end, parts) || parts.size() != 2)
        return false;
      out = lossy_utf8(parts[0]) + " " + lossy_utf8(parts[1]);
      return true;
    }
    case 33: { // SRV
      uint16_t priority = 0, weight = 0, port = 0;
      if (!r.u16(at, priority) || !r.u16(at + 2, weight) || !r.u16(at + 4, port) ||
          !r.name(at + 6, name, used))
        return false;
      out = std::to_string(priority) + " " + std::to_string(weight) + " " +
            std::to_string(port) + " " + name;
      return true;
    }
    case 6: { // SOA
      std::string rname;
      size_t used2 = 0;
      if (!r.name(at, name, used) || !r.name(at + used, rname, used2))
        return false;
      size_t p = at + used + used2;
      uint32_t v[5];
      for (int i = 0; i < 5; ++i)
        if (!r.u32(p + 4 * static_cast<size_t>(i), v[i]))
          return false;
      out = name + " " + rname;
      for (uint32_t x : v)
        out += " " + std::to_string(x);
      return true;
    }
    case 257: { // CAA: flags tag "value"
      uint8_t flags = 0, tag_len = 0;
      if (!r.u8(at, flags) || !r.u8(at + 1, tag_len) || 2 + static_cast<size_t>(tag_len) > len)
        return false;
      std::string tag(reinterpret_cast<const char*>(r.at(at + 2)), tag_len);
      std::string val(reinterpret_cast<const char*>(r.at(at + 2 + tag_len)), len - 2 - tag_len);
      out = std::to_string(flags) + " " + lossy_utf8(tag) + " \"" + lossy_utf8(val) + "\"";
      return true;
    }
    case 44: { // SSHFP: algorithm type fingerprint
      uint8_t algorithm = 0, fp_type = 0;
      if (len < 2 || !r.u8(at, algorithm) || !r.u8(at + 1, fp_type))
        return false;
      out = std::to_string(algorithm) + " " + std::to_string(fp_type) + " " +
            hex(r.at(at + 2), len - 2);
      return true;
    }
    case 52: { // TLSA: usage selector matching data
      uint8_t usage = 0, selector = 0, matching = 0;
      if (len < 3 || !r.u8(at, usage) || !r.u8(at + 1, selector) || !r.u8(at + 2, matching))
        return false;
      out = std::to_string(usage) + " " + std::to_string(selector) + " " +
            std::to_string(matching) + " " + hex(r.at(at + 3), len - 3);
      return true;
    }
    default: // RFC 3597's form for data without a text form here
      out = "\\# " + std::to_string(len) + (len > 0 ? " " + hex(r.at(at), len) : "");
      return true;
  }
}

} // namespace

value dns_record::to_value() const {
  return value{record{{record_type_name(type), text}, {"ttl", static_cast<uint64_t>(ttl)}}};
}

std::optional<uint16_t> record_type_from_name(std::string_view name) {
  for (const auto& t : type_names)
    if (t.name == name)
      return t.type;
  return std::nullopt;
}

std::string record_type_name(uint16_t type) {
  for (const auto& t : type_names)
    if (t.type == type)
      return std::string(t.name);
  return "TYPE" + std::to_string(type);
}

bool parse_answer(const unsigned char* msg, size_t length, std::vector<dns_record>& out,
                  std::string& err) {
  reader r(msg, length);
  uint16_t questions = 0, answers = 0;
  if (!r.u16(4, questions) || !r.u16(6, answers)) {
    err = "the DNS response is shorter than its header";
    return false;
  }
  size_t at = 12;
  std::string name;
  size_t used = 0;
  for (uint16_t i = 0; i < questions; ++i) {
    if (!r.name(at, name, used) || at + used + 4 > length) {
      err = "the DNS response has a malformed question";
      return false;
    }
    at += used + 4;
  }
  for (uint16_t i = 0; i < answers; ++i) {
    dns_record rec;
    uint16_t klass = 0, rdlength = 0;
    if (!r.name(at, name, used) || !r.u16(at + used, rec.type) ||
        !r.u16(at + used + 2, klass) || !r.u32(at + used + 4, rec.ttl) ||
        !r.u16(at + used + 8, rdlength) || at + used + 10 + rdlength > length) {
      err = "the DNS response has a malformed answer record";
      return false;
    }
    at += used + 10;
    if (!rdata_text(r, rec.type, at, rdlength, rec.text)) {
      err = "the DNS response has a malformed " + record_type_name(rec.type) + " record";
      return false;
    }
    at += rdlength;
    out.push_back(std::move(rec));
  }
  return true;
}

value records_to_value(const std::vector<dns_record>& records) {
  array out;
  out.reserve(records.size());
  for (const auto& r : records)
    out.push_back(r.to_value());
  return value{std::move(out)};
}

} // namespace temblor::connectors::dns
