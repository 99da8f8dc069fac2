#include <doctest/doctest.h>

#include <algorithm>


#include "codecs/codec.hpp"
#include "codecs/json.hpp"
#include "codecs/processors/processor.hpp"

using namespace temblor;
using namespace temblor::codecs;

TEST_SUITE("codecs.registry") {

TEST_CASE("every builtin codec builds from its bare name and rejects an unknown config key") {
  // Names are Tremor's: lowercase ASCII, digits, `-` and `_`.
  auto well_formed = [](std::string_view n) {
    return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
  };
  for (const auto& d : builtin_codecs().entries()) {
    INFO(d.name);
    CHECK(well_formed(d.name));
    std::string err;
    CHECK(make_codec(value{std::string(d.name)}, err) != nullptr);
    value spec{record{{"name", std::string(d.name)}, {"config", record{{"bogus_key", 1}}}}};
    CHECK(make_codec(spec, err) == nullptr);
    CHECK(err.find("bogus_key") != std::string::npos);
  }
}

TEST_CASE("every builtin processor builds from its bare name and rejects an unknown config key") {
  // Tremor requires a config for these; naming them bare must say what is missing.
  auto needs_config = [](std::string_view name) {
    return name == "compress" || name == "chunk" || name == "streaming-compress";
  };
  for (const auto& d : builtin_preprocessors().entries()) {
    INFO(d.name);
    std::string err;
    std::vector<std::unique_ptr<preprocessor>> out;
    CHECK(make_preprocessors(value{array{std::string(d.name)}}, out, err));
    CHECK(out.size() == 1);
    value bad{array{record{{"name", std::string(d.name)}, {"config", record{{"bogus_key", 1}}}}}};
    CHECK_FALSE(make_preprocessors(bad, out, err));
    CHECK(err.find("bogus_key") != std::string::npos);
  }
  for (const auto& d : builtin_postprocessors().entries()) {
    INFO(d.name);
    std::string err;
    std::vector<std::unique_ptr<postprocessor>> out;
    if (needs_config(d.name)) {
      CHECK_FALSE(make_postprocessors(value{array{std::string(d.name)}}, out, err));
      CHECK(err.find("needs") != std::string::npos);
    } else {
      CHECK(make_postprocessors(value{array{std::string(d.name)}}, out, err));
      CHECK(out.size() == 1);
    }
    value bad{array{record{{"name", std::string(d.name)}, {"config", record{{"bogus_key", 1}}}}}};
    CHECK_FALSE(make_postprocessors(bad, out, err));
    CHECK(err.find("bogus_key") != std::string::npos);
  }
}

TEST_CASE("an unknown codec name gets a did-you-mean and the list of codecs") {
  std::string err;
  CHECK(make_codec(value{"jsn"}, err) == nullptr);
  CHECK(err == "Unknown codec jsn; did you mean `json`? available: binary, csv, influx, json, "
               "json-sorted, msgpack, null, statsd, string, syslog, yaml");
  CHECK(make_codec(value{"zzzzzzzzzz"}, err) == nullptr);
  CHECK(err.find("did you mean") == std::string::npos);
  CHECK(err.find("available: binary") != std::string::npos);
}

TEST_CASE("a codec is given by name or by a name and config record") {
  std::string err;
  auto c = make_codec(value{record{{"name", "json"}, {"config", record{{"mode", "sorted"}}}}}, err);
  REQUIRE(c);
  auto* j = dynamic_cast<json_codec*>(c.get());
  REQUIRE(j);
  CHECK(j->mode() == json_mode::sorted);
  CHECK(make_codec(value{record{{"config", record{}}}}, err) == nullptr);
  CHECK(err.find("name") != std::string::npos);
  CHECK(make_codec(value{42}, err) == nullptr);
  CHECK(make_codec(value{record{{"name", "json"}, {"conf", record{}}}}, err) == nullptr);
  CHECK(err.find("conf") != std::string::npos);
}

TEST_CASE("json-sorted is the 0.12 name of json in sorted mode") {
  std::string err;
  auto c = make_codec(value{"json-sorted"}, err);
  REQUIRE(c);
  std::string out;
  REQUIRE(c->encode(value{record{{"z", 1}, {"a", 2}}}, out, err));
  CHECK(out == R"({"a":2,"z":1})");
}

TEST_CASE("an unknown processor name gets a did-you-mean and the list") {
  std::string err;
  std::vector<std::unique_ptr<preprocessor>> pre;
  CHECK_FALSE(make_preprocessors(value{array{"separate", "seperate"}}, pre, err));
  CHECK(err.rfind("Unknown preprocessor seperate; did you mean `separate`? available: ", 0) == 0);
  std::vector<std::unique_ptr<postprocessor>> post;
  CHECK_FALSE(make_postprocessors(value{array{"bas64"}}, post, err));
  CHECK(err.rfind("Unknown postprocessor bas64; did you mean `base64`?", 0) == 0);
}

TEST_CASE("processor lists must be lists and null means none") {
  std::string err;
  std::vector<std::unique_ptr<preprocessor>> pre;
  CHECK(make_preprocessors(value{}, pre, err));
  CHECK(pre.empty());
  CHECK_FALSE(make_preprocessors(value{"separate"}, pre, err));
  CHECK(err.find("list") != std::string::npos);
}

TEST_CASE("a bad processor config names the entry and the problem") {
  std::string err;
  std::vector<std::unique_ptr<preprocessor>> pre;
  value list{array{"remove-empty",
                   record{{"name", "separate"}, {"config", record{{"separator", "ab"}}}}}};
  CHECK_FALSE(make_preprocessors(list, pre, err));
  CHECK(err == "preprocessor 1: `separate`: `separator` in the separate preprocessor config must "
               "be exactly one byte, got 2");
}

}
