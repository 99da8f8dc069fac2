#include <doctest/doctest.h>

#include <cmath>

#include "codecs/yaml.hpp"
#include "tests/codecs/value_generator.hpp"

using namespace temblor;
using namespace temblor::codecs;

namespace {

value decode_ok(std::string_view text) {
  yaml_codec c;
  value v;
  std::string err;
  bool ok = c.decode(text, v, err);
  INFO(err);
  REQUIRE(ok);
  return v;
}

std::string encode_ok(const value& v) {
  yaml_codec c;
  std::string out, err;
  REQUIRE(c.encode(v, out, err));
  return out;
}

} // namespace

TEST_SUITE("codecs.yaml") {

TEST_CASE("plain scalars resolve by the YAML 1.2 core schema and quoted ones stay strings") {
  value v = decode_ok(R"(
nothing: ~
empty:
yes_word: yes
bool: true
int: -42
hex: 0x1F
octal: 0o17
big: 18446744073709551615
float: 1.5
exp: 1e3
inf: -.inf
text: hello world
quoted: "123"
single: 'true'
list: [1, two, 3.0]
nested:
  - a: 1
    b: [x]
"1": numeric key
)");
  CHECK(v.get("nothing")->is_null());
  CHECK(v.get("empty")->is_null());
  CHECK(*v.get("yes_word") == value{"yes"}); // YAML 1.1 booleans are strings now
  CHECK(*v.get("bool") == value{true});
  CHECK(*v.get("int") == value{-42});
  CHECK(*v.get("hex") == value{31});
  CHECK(*v.get("octal") == value{15});
  CHECK(v.get("big")->kind() == value_kind::u64);
  CHECK(*v.get("float") == value{1.5});
  CHECK(*v.get("exp") == value{1000.0});
  CHECK(v.get("inf")->as_f64_unchecked() == -HUGE_VAL);
  CHECK(*v.get("text") == value{"hello world"});
  CHECK(*v.get("quoted") == value{"123"});
  CHECK(*v.get("single") == value{"true"});
  CHECK(*v.get("list") == value{array{1, "two", 3.0}});
  CHECK(*v.get("nested") == value{array{record{{"a", 1}, {"b", array{"x"}}}}});
  CHECK(*v.get("1") == value{"numeric key"});
}

TEST_CASE("yaml encodes block style like serde_yaml") {
  value v{record{{"name", "temblor"},
                 {"count", 3},
                 {"ratio", 0.5},
                 {"tags", array{"a", "b"}},
                 {"inner", record{{"ok", true}, {"none", value{}}}},
                 {"rows", array{record{{"x", 1}, {"y", 2}}, array{1, 2}}},
                 {"empty", array{}},
                 {"tricky", array{"123", "true", "", "a: b", "- x", "line\nbreak", "it's"}}}};
  CHECK(encode_ok(v) == R"(name: temblor
count: 3
ratio: 0.5
tags:
- a
- b
inner:
  ok: true
  none: null
rows:
- x: 1
  y: 2
- - 1
  - 2
empty: []
tricky:
- '123'
- 'true'
- ''
- 'a: b'
- '- x'
- "line\nbreak"
- it's
)");
  CHECK(decode_ok(encode_ok(v)) == v);
  CHECK(encode_ok(value{42.0}) == "42.0\n");
  CHECK(encode_ok(value{"plain"}) == "plain\n");
}

TEST_CASE("a generated corpus survives yaml unchanged") {
  test::value_generator gen(2024);
  yaml_codec c;
  for (int i = 0; i < 2000; ++i) {
    value v = gen.make(0);
    std::string text, err;
    REQUIRE(c.encode(v, text, err));
    value back;
    bool ok = c.decode(text, back, err);
    INFO(i << ":\n" << text << "\n" << err);
    REQUIRE(ok);
    REQUIRE(test::same(v, back));
  }
}

TEST_CASE("bad yaml is an error and never a crash") {
  yaml_codec c;
  value v;
  std::string err;
  CHECK_FALSE(c.decode("a: [1, 2", v, err));
  CHECK(err.rfind("yaml: ", 0) == 0);
  CHECK_FALSE(c.decode("a: 1\n---\nb: 2\n", v, err));
  CHECK(err.find("more than one document") != std::string::npos);
  CHECK_FALSE(c.decode(std::string(100000, '['), v, err));
  CHECK_FALSE(c.decode("? [1, 2]\n: x\n", v, err));
  CHECK_FALSE(c.decode("a: \xff\n", v, err));
  // Nine levels of ten aliases each would expand to 10^9 nodes.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j)
      bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  CHECK_FALSE(c.decode(bomb, v, err));
  CHECK(err.find("aliases") != std::string::npos);
}

TEST_CASE("yaml aliases and binary tags decode") {
  value v = decode_ok("base: &b {x: 1}\ncopy: *b\nraw: !!binary aGk=\n");
  CHECK(*v.get("copy") == value{record{{"x", 1}}});
  CHECK(v.get("raw")->is_bytes());
  CHECK(v.get("raw")->as_bytes().data == "hi");
}

}
