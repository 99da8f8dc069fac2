#include <doctest/doctest.h>

#include "tests/harness/temp_dir.hpp"
#include "tools/temblor/harness/assertions.hpp"

using namespace temblor::harness;

namespace {

assert_context context(const test::temp_dir& dir) {
  return {dir.path(), dir / "fg.out.log", dir / "fg.err.log"};
}

assert_entry entry(std::string source) {
  assert_entry e;
  e.source = std::move(source);
  return e;
}

} // namespace

TEST_SUITE("harness.assertions") {

TEST_CASE("split_lines follows Rust's lines(): no empty line after a final newline") {
  CHECK(split_lines("a\nb\n") == std::vector<std::string>{"a", "b"});
  CHECK(split_lines("a\r\nb") == std::vector<std::string>{"a", "b"});
  CHECK(split_lines("a\n\nb\n") == std::vector<std::string>{"a", "", "b"});
  CHECK(split_lines("").empty());
}

TEST_CASE("contains trims each string and looks for it inside some line") {
  test::temp_dir dir;
  dir.write("fg.out.log", "first line\nthe answer is 42\n");
  auto e = entry("stdout");
  e.contains = {"  answer is 42 \n", "first"};
  CHECK(check_entry(e, context(dir)).empty());
  e.contains = {"answer is 43"};
  auto f = check_entry(e, context(dir));
  REQUIRE(f.size() == 1);
  CHECK(f[0] == "stdout does not contain \"answer is 43\"");
}

TEST_CASE("a contains string never matches across two lines") {
  test::temp_dir dir;
  dir.write("fg.out.log", "alpha\nbeta\n");
  auto e = entry("stdout");
  e.contains = {"alpha beta"};
  CHECK(check_entry(e, context(dir)).size() == 1);
}

TEST_CASE("doesnt_contain fails when any line holds the string") {
  test::temp_dir dir;
  dir.write("fg.err.log", "all good\nan error here\n");
  auto e = entry("StdErr");
  e.doesnt_contain = {"panic"};
  CHECK(check_entry(e, context(dir)).empty());
  e.doesnt_contain = {"error"};
  auto f = check_entry(e, context(dir));
  REQUIRE(f.size() == 1);
  CHECK(f[0] == "stderr contains \"error\" but must not");
}

TEST_CASE("equals_file compares line by line and names the first difference") {
  test::temp_dir dir;
  dir.write("out.log", "{\"a\":1}\n{\"b\":2}\n");
  dir.write("same.json", "{\"a\":1}\n{\"b\":2}");
  dir.write("other.json", "{\"a\":1}\n{\"b\":3}\n");
  dir.write("longer.json", "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
  auto e = entry("out.log");
  e.equals_file = "same.json";
  CHECK(check_entry(e, context(dir)).empty());
  e.equals_file = "other.json";
  auto f = check_entry(e, context(dir));
  REQUIRE(f.size() == 1);
  CHECK(f[0] == "out.log differs from other.json at line 2: got \"{\"b\":2}\", expected "
                "\"{\"b\":3}\"");
  e.equals_file = "longer.json";
  f = check_entry(e, context(dir));
  REQUIRE(f.size() == 1);
  CHECK(f[0].find("has 2 lines, longer.json has 3") != std::string::npos);
}

TEST_CASE("equals_file_binary compares bytes including a trailing newline") {
  test::temp_dir dir;
  dir.write("out.bin", std::string{"\x00\x01\xff", 3});
  dir.write("same.bin", std::string{"\x00\x01\xff", 3});
  dir.write("other.bin", std::string{"\x00\x01\xff\n", 4});
  auto e = entry("out.bin");
  e.equals_file_binary = "same.bin";
  CHECK(check_entry(e, context(dir)).empty());
  e.equals_file_binary = "other.bin";
  auto f = check_entry(e, context(dir));
  REQUIRE(f.size() == 1);
  CHECK(f[0] == "out.bin differs from other.bin at byte 3 (3 bytes vs 4)");
}

TEST_CASE("a file source is also found under its lowercased name as Tremor opens it") {
  test::temp_dir dir;
  dir.write("out.log", "x\n");
  auto e = entry("OUT.LOG");
  e.contains = {"x"};
  CHECK(check_entry(e, context(dir)).empty());
}

TEST_CASE("an unreadable source is a failure and never a silent pass") {
  test::temp_dir dir;
  auto e = entry("missing.log");
  e.doesnt_contain = {"anything"};
  auto f = check_entry(e, context(dir));
  REQUIRE(f.size() == 1);
  CHECK(f[0].rfind("source missing.log cannot be read", 0) == 0);
}

TEST_CASE("assert.yaml needs a status and reads entries with unknown keys ignored") {
  std::string error;
  auto spec = parse_assert_spec(YAML::Load(R"(
status: 1
name: load error
asserts:
  - source: stderr
    contains: ["config.troy:3:28"]
    colour: ignored
  - source: out.log
    equals_file_binary: expected.bin
)"),
                                error);
  REQUIRE(spec);
  CHECK(error.empty());
  CHECK(spec->status == 1);
  CHECK(spec->name == "load error");
  REQUIRE(spec->entries.size() == 2);
  CHECK(spec->entries[0].contains == std::vector<std::string>{"config.troy:3:28"});
  CHECK(spec->entries[1].equals_file_binary == std::optional<std::string>{"expected.bin"});

  CHECK_FALSE(parse_assert_spec(YAML::Load("name: x\nasserts: []\n"), error));
  CHECK(error == "assert.yaml: status is required");
  error.clear();
  CHECK_FALSE(parse_assert_spec(YAML::Load("status: 0\nasserts:\n  - contains: [x]\n"), error));
  CHECK(error == "assert.yaml: assert 0: source is required");
}

}
