#include <doctest/doctest.h>

#include "connectors/http/body_codecs.hpp"
#include "connectors/http/client/request_spec.hpp"
#include "connectors/http/header_values.hpp"
#include "connectors/http/mime_mapping.hpp"

using namespace temblor;
using namespace temblor::connectors::http;

TEST_SUITE("connectors.http.mime") {

TEST_CASE("the built-in mapping reads json, text and binary by content type, parameters ignored") {
  mime_mapping m;
  std::string err;
  REQUIRE(mime_mapping::make(value(), m, err));
  CHECK(m.at(static_cast<size_t>(m.lookup("application/json"))).name == "json");
  CHECK(m.at(static_cast<size_t>(m.lookup("Text/Plain; charset=UTF-8"))).name == "string");
  CHECK(m.at(static_cast<size_t>(m.lookup("application/octet-stream"))).name == "binary");
  CHECK(m.lookup("application/x-unknown") == m.fallback());
  CHECK(m.lookup("") == m.fallback());
  CHECK(m.at(static_cast<size_t>(m.fallback())).name == "json");
  CHECK(m.announced_mime(static_cast<size_t>(m.fallback())) == "application/json");
}

TEST_CASE("mime_mapping overrides entries, adds wildcards and names a bad codec's key") {
  mime_mapping m;
  std::string err;
  value overrides(record{{"application/json", "string"},
                         {"text/*", "binary"},
                         {"*/*", value(record{{"name", "yaml"}})}});
  REQUIRE(mime_mapping::make(overrides, m, err));
  CHECK(m.at(static_cast<size_t>(m.lookup("application/json"))).name == "string");
  CHECK(m.at(static_cast<size_t>(m.lookup("text/x-special"))).name == "binary");
  CHECK(m.at(static_cast<size_t>(m.lookup("text/plain"))).name == "string");
  CHECK(m.at(static_cast<size_t>(m.lookup("image/png"))).name == "yaml");
  CHECK(m.announced_mime(static_cast<size_t>(m.fallback())) == "application/yaml");
  CHECK_FALSE(mime_mapping::make(value(record{{"text/plain", "jsn"}}), m, err));
  CHECK(err.find("`config.mime_mapping.\"text/plain\"`") != std::string::npos);
  CHECK(err.find("json") != std::string::npos); // the did-you-mean
}

TEST_CASE("body_codecs decode an empty body to null and round-trip json and text") {
  auto m = std::make_shared<mime_mapping>();
  std::string err;
  REQUIRE(mime_mapping::make(value(), *m, err));
  body_codecs codecs(m);
  auto json = static_cast<size_t>(m->lookup("application/json"));
  auto text = static_cast<size_t>(m->lookup("text/plain"));
  value v;
  REQUIRE(codecs.decode(json, "", v, err));
  CHECK(v.is_null());
  REQUIRE(codecs.decode(json, R"({"a":[1,2]})", v, err));
  std::string out;
  REQUIRE(codecs.encode(json, v, out, err));
  CHECK(out == R"({"a":[1,2]})");
  REQUIRE(codecs.decode(text, "plain words", v, err));
  CHECK(v == value("plain words"));
  CHECK_FALSE(codecs.decode(json, "{not json", v, err));
}

TEST_CASE("headers become {name: [values]} and come back from strings, numbers and lists") {
  http_headers in{{"x-a", "1"}, {"x-b", "2"}, {"x-a", "3"}};
  value v = headers_to_value(in);
  CHECK(v == value(record{{"x-a", value(array{"1", "3"})}, {"x-b", value(array{"2"})}}));
  http_headers out;
  std::string err;
  REQUIRE(value_to_headers(value(record{{"x-n", 5}, {"x-l", value(array{"p", "q"})}}), out, err));
  REQUIRE(out.size() == 3);
  CHECK(out[0].value == "5");
  CHECK(out[2].value == "q");
  CHECK_FALSE(value_to_headers(value(record{{"x-bad", value(record{})}}), out, err));
  CHECK(err.find("x-bad") != std::string::npos);
  override_headers(in, {{"X-A", "new"}});
  REQUIRE(in.size() == 2);
  CHECK(in[1].value == "new");
}

TEST_CASE("http_client settings read Tremor's keys and reject bad ones") {
  client_settings s;
  std::string err;
  REQUIRE(s.parse(value(record{{"url", "https://example.org:8443/api"},
                               {"method", "PUT"},
                               {"headers", value(record{{"x-one", value(array{"a", "b"})}})},
                               {"timeout", uint64_t(2500000000)},
                               {"concurrency", 8},
                               {"auth", value(record{{"basic", value(record{{"username", "u"},
                                                                           {"password", "p"}})}})}}),
                  err));
  CHECK(s.method == "PUT");
  CHECK(s.headers.size() == 2);
  CHECK(s.timeout == std::chrono::milliseconds(2500));
  CHECK(s.concurrency == 8);
  CHECK(s.auth.type == client_auth::kind::basic);
  client_settings bad;
  CHECK_FALSE(bad.parse(value(record{{"url", "ftp://x:1"}}), err));
  CHECK(err.find("`url`") != std::string::npos);
  CHECK_FALSE(bad.parse(value(record{{"method", "GE T"}}), err));
  CHECK_FALSE(bad.parse(value(record{{"auth", "magic"}}), err));
  CHECK_FALSE(bad.parse(value(record{{"concurrency", 0}}), err));
}

TEST_CASE("a request takes $http_client.request overrides, copies $correlation and encodes by content type") {
  auto m = std::make_shared<mime_mapping>();
  std::string err;
  REQUIRE(mime_mapping::make(value(), *m, err));
  body_codecs codecs(m);
  client_settings s;
  REQUIRE(s.parse(value(record{{"url", "http://127.0.0.1:1/a"},
                               {"headers", value(record{{"x-keep", "k"}, {"x-over", "old"}})}}),
                  err));
  event ev;
  ev.payload = value(record{{"n", 1}});
  ev.meta = value(record{
    {"correlation", "c-1"},
    {"http_client", value(record{{"request", value(record{{"method", "PATCH"},
                                                          {"url", "http://127.0.0.1:2/b"},
                                                          {"headers", value(record{{"X-Over", "new"}})}})}})}});
  request_spec spec;
  REQUIRE(build_request(s, codecs, ev, spec, err));
  CHECK(spec.method == "PATCH");
  CHECK(spec.url == "http://127.0.0.1:2/b");
  CHECK(*find_header(spec.headers, "x-over") == "new");
  CHECK(*find_header(spec.headers, "x-keep") == "k");
  CHECK(*find_header(spec.headers, "content-type") == "application/json");
  CHECK(spec.body == R"({"n":1})");
  CHECK(spec.correlation == value("c-1"));

  ev.meta = value(record{{"http_client", value(record{{"request", value(record{
                     {"headers", value(record{{"content-type", "text/plain"}})}})}})}});
  ev.payload = value("words");
  REQUIRE(build_request(s, codecs, ev, spec, err));
  CHECK(spec.body == "words");
  CHECK(spec.method == "POST");

  ev.payload = value();
  REQUIRE(build_request(s, codecs, ev, spec, err));
  CHECK_FALSE(spec.has_body);

  ev.meta = value(record{{"http_client", value(record{{"request", value(record{{"url", "nowhere"}})}})}});
  CHECK_FALSE(build_request(s, codecs, ev, spec, err));
  CHECK(err.find("$http_client.request.url") != std::string::npos);
}

} // TEST_SUITE
