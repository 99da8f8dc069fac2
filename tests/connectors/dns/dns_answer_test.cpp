#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "connectors/dns/dns_answer.hpp"
#include "connectors/dns/dns_request.hpp"

using namespace temblor;
using namespace temblor::connectors::dns;

namespace {

/// Builds a response to one question for `a.test` by hand, answers after it.
class message {
public:
  message() {
    bytes_ = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0};
    name("a.test");
    u16(1); // type A
    u16(1); // class IN
  }
  /// Adds an answer owned by the question's name (a compression pointer).
  message& answer(uint16_t type, uint32_t ttl, const std::string& rdata) {
    ++bytes_[7];
    u16(0xC00C);
    u16(type);
    u16(1);
    u16(static_cast<uint16_t>(ttl >> 16));
    u16(static_cast<uint16_t>(ttl & 0xFFFF));
    u16(static_cast<uint16_t>(rdata.size()));
    bytes_.insert(bytes_.end(), rdata.begin(), rdata.end());
    return *this;
  }
  static std::string encoded(const std::string& dotted) {
    std::string out;
    size_t start = 0;
    while (start <= dotted.size()) {
      size_t dot = dotted.find('.', start);
      if (dot == std::string::npos)
        dot = dotted.size();
      out += static_cast<char>(dot - start);
      out += dotted.substr(start, dot - start);
      start = dot + 1;
    }
    return out + '\0';
  }
  std::vector<dns_record> parse() const {
    std::vector<dns_record> out;
    std::string err;
    REQUIRE_MESSAGE(parse_answer(bytes_.data(), bytes_.size(), out, err), err);
    return out;
  }
  std::string error() const {
    std::vector<dns_record> out;
    std::string err;
    CHECK_FALSE(parse_answer(bytes_.data(), bytes_.size(), out, err));
    return err;
  }
  std::vector<unsigned char>& bytes() { return bytes_; }

private:
  void name(const std::string& n) {
    auto e = encoded(n);
    bytes_.insert(bytes_.end(), e.begin(), e.end());
  }
  void u16(uint16_t v) {
    bytes_.push_back(static_cast<unsigned char>(v >> 8));
    bytes_.push_back(static_cast<unsigned char>(v & 0xFF));
  }
  std::vector<unsigned char> bytes_;
};

std::string be16(uint16_t v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }
std::string be32(uint32_t v) { return be16(static_cast<uint16_t>(v >> 16)) + be16(static_cast<uint16_t>(v)); }

std::string text_of(const message& m) {
  auto records = m.parse();
  REQUIRE(records.size() == 1);
  return records[0].text;
}

} // namespace

TEST_SUITE("connectors.dns") {

TEST_CASE("dns answer: A records become Tremor's {\"A\": address, \"ttl\": n} list") {
  message m;
  m.answer(1, 300, std::string("\x0a\x00\x00\x01", 4)).answer(1, 7, std::string("\x0a\x00\x00\x02", 4));
  value got = records_to_value(m.parse());
  value want{array{value{record{{"A", "10.0.0.1"}, {"ttl", 300}}}, value{record{{"A", "10.0.0.2"}, {"ttl", 7}}}}};
  CHECK(got == want);
}

TEST_CASE("dns answer: AAAA in its shortest form, names with the trailing dot") {
  message v6;
  v6.answer(28, 1, std::string("\x20\x01\x0d\xb8", 4) + std::string(11, '\0') + "\x01");
  CHECK(text_of(v6) == "2001:db8::1");
  message cname;
  cname.answer(5, 60, message::encoded("b.example"));
  CHECK(text_of(cname) == "b.example.");
  message pointer; // rdata pointing back at the question name
  pointer.answer(5, 60, std::string("\xC0\x0C", 2));
  CHECK(text_of(pointer) == "a.test.");
  message ptr;
  ptr.answer(12, 60, message::encoded("host.example"));
  CHECK(text_of(ptr) == "host.example.");
}

TEST_CASE("dns answer: MX, TXT, SRV, SOA, CAA read as trust-dns shows them") {
  message mx;
  mx.answer(15, 3600, be16(10) + message::encoded("mail.test"));
  CHECK(text_of(mx) == "10 mail.test.");
  message txt;
  txt.answer(16, 30, std::string("\x06hello \x05world", 13));
  CHECK(text_of(txt) == "hello world");
  message srv;
  srv.answer(33, 40, be16(1) + be16(2) + be16(5060) + message::encoded("sip.test"));
  CHECK(text_of(srv) == "1 2 5060 sip.test.");
  message soa;
  soa.answer(6, 5, message::encoded("ns.test") + message::encoded("admin.test") + be32(2024) +
                     be32(7200) + be32(3600) + be32(1209600) + be32(300));
  CHECK(text_of(soa) == "ns.test. admin.test. 2024 7200 3600 1209600 300");
  message caa;
  caa.answer(257, 5, std::string("\x00\x05issue", 7) + "ca.test");
  CHECK(text_of(caa) == "0 issue \"ca.test\"");
}

TEST_CASE("dns answer: TXT that is not UTF-8 is made valid, unknown types in RFC 3597 form") {
  message txt;
  txt.answer(16, 30, std::string("\x03" "a\xff" "b", 4));
  CHECK(text_of(txt) == "a\xEF\xBF\xBD" "b");
  message other;
  other.answer(99, 1, std::string("\x01\x02\xab", 3));
  auto records = other.parse();
  REQUIRE(records.size() == 1);
  CHECK(records[0].text == "\\# 3 0102AB");
  CHECK(records[0].to_value() == value{record{{"TYPE99", "\\# 3 0102AB"}, {"ttl", 1}}});
}

TEST_CASE("dns answer: a cut or malformed message is an error, never a read past its end") {
  message cut;
  cut.answer(1, 300, std::string("\x0a\x00\x00\x01", 4));
  cut.bytes().resize(cut.bytes().size() - 2);
  CHECK(cut.error().find("malformed answer") != std::string::npos);
  message bad_a;
  bad_a.answer(1, 300, std::string("\x0a\x00\x00", 3));
  CHECK(bad_a.error().find("malformed A record") != std::string::npos);
  message bad_mx;
  bad_mx.answer(15, 300, be16(10) + "\x05mai");
  CHECK(bad_mx.error().find("malformed MX record") != std::string::npos);
  message loop; // a name pointing at itself
  loop.answer(5, 60, std::string("\xC0\x00", 2));
  loop.bytes()[loop.bytes().size() - 2] = 0xC0;
  loop.bytes()[loop.bytes().size() - 1] = static_cast<unsigned char>(loop.bytes().size() - 2);
  CHECK_FALSE(loop.error().empty());
  std::vector<unsigned char> header_only = {0, 1, 0x81};
  std::vector<dns_record> out;
  std::string err;
  CHECK_FALSE(parse_answer(header_only.data(), header_only.size(), out, err));
  CHECK(err.find("header") != std::string::npos);
}

TEST_CASE("dns types: Tremor's upper-case names, nothing else") {
  CHECK(record_type_from_name("A") == uint16_t{1});
  CHECK(record_type_from_name("AAAA") == uint16_t{28});
  CHECK(record_type_from_name("MX") == uint16_t{15});
  CHECK(record_type_from_name("TXT") == uint16_t{16});
  CHECK(record_type_from_name("CNAME") == uint16_t{5});
  CHECK_FALSE(record_type_from_name("a").has_value());
  CHECK_FALSE(record_type_from_name("BOGUS").has_value());
  CHECK(record_type_name(33) == "SRV");
  CHECK(record_type_name(4242) == "TYPE4242");
}

TEST_CASE("dns request: `$dns.lookup` is a name or {name, type}") {
  lookup_request req;
  std::string err;
  REQUIRE(read_lookup(value{record{{"dns", value{record{{"lookup", "a.test"}}}}}}, req, err));
  CHECK(req.name == "a.test");
  CHECK_FALSE(req.type.has_value());
  REQUIRE(read_lookup(value{record{{"dns", value{record{{"lookup", value{record{{"name", "m.test"}, {"type", "MX"}}}}}}}}},
                      req, err));
  CHECK(req.name == "m.test");
  CHECK(req.type == uint16_t{15});
  REQUIRE(read_lookup(value{record{{"dns", value{record{{"lookup", value{record{{"name", "n.test"}}}}}}}}}, req, err));
  CHECK_FALSE(req.type.has_value());

  CHECK_FALSE(read_lookup(value{}, req, err));
  CHECK(err.find("no `$dns.lookup`") != std::string::npos);
  CHECK_FALSE(read_lookup(value{record{{"dns", value{record{{"lookup", 5}}}}}}, req, err));
  CHECK(err.find("must be a name") != std::string::npos);
  CHECK_FALSE(read_lookup(value{record{{"dns", value{record{{"lookup", value{record{{"type", "A"}}}}}}}}}, req, err));
  CHECK(err.find("no `name`") != std::string::npos);
  CHECK_FALSE(read_lookup(value{record{{"dns", value{record{{"lookup", value{record{{"name", "x"}, {"type", "BOGUS"}}}}}}}}},
                          req, err));
  CHECK(err == "Invalid or unsupported record type: BOGUS");
}

}
