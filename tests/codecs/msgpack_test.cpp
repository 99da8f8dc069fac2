#include <doctest/doctest.h>

#include "codecs/json.hpp"
#include "codecs/msgpack.hpp"
#include "tests/codecs/value_generator.hpp"

using namespace temblor;
using namespace temblor::codecs;

namespace {

std::string hex(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

} // namespace

TEST_SUITE("codecs.msgpack") {

TEST_CASE("a generated corpus including bytes survives msgpack unchanged") {
  test::value_generator gen(31337);
  gen.with_bytes = true;
  msgpack_codec c;
  for (int i = 0; i < 3000; ++i) {
    value v = gen.make(0);
    std::string packed, err;
    REQUIRE(c.encode(v, packed, err));
    value back;
    bool ok = c.decode(packed, back, err);
    INFO(i << ": " << err);
    REQUIRE(ok);
    REQUIRE(test::same(v, back));
  }
}

TEST_CASE("msgpack uses the smallest encodings rmp-serde uses") {
  msgpack_codec c;
  auto enc = [&](const value& v) {
    std::string out, err;
    REQUIRE(c.encode(v, out, err));
    return hex(out);
  };
  CHECK(enc(value{}) == "c0");
  CHECK(enc(value{true}) == "c3");
  CHECK(enc(value{5}) == "05");
  CHECK(enc(value{-1}) == "ff");
  CHECK(enc(value{-33}) == "d0df");
  CHECK(enc(value{200}) == "ccc8");
  CHECK(enc(value{70000}) == "ce00011170");
  CHECK(enc(value{static_cast<unsigned long long>(UINT64_MAX)}) == "cfffffffffffffffff");
  CHECK(enc(value{1.5}) == "cb3ff8000000000000");
  CHECK(enc(value{"hi"}) == "a26869");
  CHECK(enc(value{bytes{"\x01"}}) == "c40101");
  CHECK(enc(value{record{{"a", array{1, 2}}}}) == "81a161920102");
}

TEST_CASE("msgpack decodes the wider encodings too") {
  msgpack_codec c;
  value v;
  std::string err;
  REQUIRE(c.decode(unhex("d3ffffffffffffffff"), v, err));
  CHECK(v == value{-1});
  REQUIRE(c.decode(unhex("ca3fc00000"), v, err));
  CHECK(v == value{1.5});
  REQUIRE(c.decode(unhex("dc0002c0c3"), v, err));
  CHECK(v == value{array{value{}, true}});
  REQUIRE(c.decode(unhex("de0001d90161dd00000000"), v, err));
  CHECK(v == value{record{{"a", array{}}}});
}

TEST_CASE("malformed msgpack is rejected without crashing") {
  msgpack_codec c;
  value v;
  std::string err;
  CHECK_FALSE(c.decode("", v, err));
  CHECK_FALSE(c.decode(unhex("a3616263ff"), v, err)); // trailing byte
  CHECK(err.find("trailing") != std::string::npos);
  CHECK_FALSE(c.decode(unhex("a4616263"), v, err)); // truncated string
  CHECK_FALSE(c.decode(unhex("a1ff"), v, err));     // invalid UTF-8
  CHECK(err.find("UTF-8") != std::string::npos);
  CHECK_FALSE(c.decode(unhex("810102"), v, err));   // integer key
  CHECK(err.find("keys") != std::string::npos);
  CHECK_FALSE(c.decode(unhex("d40100"), v, err));   // extension
  CHECK_FALSE(c.decode(unhex("ddffffffff"), v, err)); // claims 4G entries
  CHECK_FALSE(c.decode(std::string(100000, '\x91'), v, err)); // deep nesting
  CHECK(err.find("1024") != std::string::npos);
  // Random truncations of a valid document.
  std::string packed;
  REQUIRE(c.encode(value{record{{"k", array{1, "two", 3.0, bytes{"x"}}}}}, packed, err));
  for (size_t n = 0; n < packed.size(); ++n)
    CHECK_FALSE(c.decode(std::string_view(packed).substr(0, n), v, err));
}

}
