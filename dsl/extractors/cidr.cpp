#include "dsl/extractors/extractor_programs.hpp"

#include <arpa/inet.h>
#include <algorithm>

namespace temblor::dsl::extractors {

// -- cidr -------------------------------------------------------------------
//
// Tremor parses the value as a CIDR (cidr-utils): an address with an
// optional `/bits`, whose host bits must be zero. It yields `prefix` and
// `mask` as octets (IPv4) or 16-bit segments (IPv6). A body lists ranges
// (comma separated); the value must then fall into one of them.

namespace {

bool parse_ip(const std::string& s, ip_net& n) {
  if (s.find(':') != std::string::npos) {
    n.v6 = true;
    return inet_pton(AF_INET6, s.c_str(), n.addr.data()) == 1;
  }
  n.v6 = false;
  return inet_pton(AF_INET, s.c_str(), n.addr.data()) == 1;
}

/// `addr[/bits]`; bits default to the full width.
bool parse_net(const std::string& s, ip_net& n) {
  size_t slash = s.find('/');
  if (!parse_ip(s.substr(0, slash), n))
    return false;
  unsigned width = n.v6 ? 128 : 32;
  n.bits = width;
  if (slash != std::string::npos) {
    std::string b = s.substr(slash + 1);
    if (b.empty() || b.size() > 3 || b.find_first_not_of("0123456789") != std::string::npos)
      return false;
    n.bits = static_cast<unsigned>(std::stoul(b));
    if (n.bits > width)
      return false;
  }
  return true;
}

std::array<uint8_t, 16> net_mask(const ip_net& n) {
  std::array<uint8_t, 16> m{};
  for (unsigned i = 0; i < 16; ++i) {
    unsigned have = n.bits > i * 8 ? n.bits - i * 8 : 0;
    m[i] = have >= 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - have));
  }
  return m;
}

bool net_contains(const ip_net& net, const ip_net& ip) {
  if (net.v6 != ip.v6)
    return false;
  auto m = net_mask(net);
  for (size_t i = 0; i < 16; ++i)
    if ((net.addr[i] & m[i]) != (ip.addr[i] & m[i]))
      return false;
  return true;
}

} // namespace

bool compile_cidr(const std::string& body, cidr_program& p, std::string& err) {
  if (trim_spaces(body).empty())
    return true;
  size_t start = 0;
  while (true) {
    size_t comma = body.find(',', start);
    std::string range = trim_spaces(
      body.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    ip_net n;
    if (!parse_net(range, n)) {
      err = "Invalid cidr range `" + range + "`";
      return false;
    }
    p.ranges.push_back(n);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return true;
}

bool run_cidr(const cidr_program& p, const std::string& s, value& out) {
  ip_net n;
  if (!parse_net(s, n))
    return false;
  auto mask = net_mask(n);
  for (size_t i = 0; i < 16; ++i)
    if ((n.addr[i] & ~mask[i]) != 0)
      return false; // host bits set: not a CIDR
  if (!p.ranges.empty() &&
      std::none_of(p.ranges.begin(), p.ranges.end(),
                   [&](const ip_net& r) { return net_contains(r, n); }))
    return false;
  auto parts = [&](const std::array<uint8_t, 16>& a) {
    array out;
    if (n.v6) {
      for (size_t i = 0; i < 16; i += 2)
        out.push_back(value(static_cast<long long>((a[i] << 8) | a[i + 1])));
    } else {
      for (size_t i = 0; i < 4; ++i)
        out.push_back(value(static_cast<long long>(a[i])));
    }
    return out;
  };
  record r;
  r.set("prefix", value(parts(n.addr)));
  r.set("mask", value(parts(mask)));
  out = value(std::move(r));
  return true;
}

} // namespace temblor::dsl::extractors
