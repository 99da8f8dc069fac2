// grok's default pattern set: every pattern compiles on our regex engine,
// and the families people use match what they are named after.

#include <doctest/doctest.h>

#include "dsl/extractors/extractor_programs.hpp"
#include "dsl/json_text.hpp"
#include "dsl_test_support.hpp"

using namespace temblor;
using namespace temblor::dsl;
using namespace temblor::dsl::test;

namespace {

// Runs `grok|<pattern>|` over `text`; the record it extracts as sorted
// JSON, or "no match".
std::string grok(const std::string& pattern, const std::string& text) {
  auto r = run_script("match event of case x = ~ grok|" + pattern + "| => x case _ => \"no match\" end",
                      value(text));
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  return r.result.is_string() ? r.result.as_string() : to_json(r.result, true);
}

} // namespace

TEST_SUITE("dsl.grok") {

TEST_CASE("every default grok pattern expands and compiles") {
  size_t n = 0;
  for (const auto& [name, body] : extractors::grok_patterns()) {
    CAPTURE(name);
    std::string expanded, err;
    REQUIRE_MESSAGE(extractors::expand_grok("%{" + name + ":f}", expanded, err), err);
    regex re;
    CHECK_MESSAGE(re.compile(expanded, err), err);
    ++n;
  }
  CHECK(n > 100);
}

TEST_CASE("grok URIPATHPARAM, IP and NUMBER read a request line") {
  CHECK(grok("%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes} %{NUMBER:duration}",
             "55.3.244.1 GET /index.html?a=1&b=%20 15824 0.043") ==
        R"({"bytes":"15824","client":"55.3.244.1","duration":"0.043","method":"GET","request":"/index.html?a=1&b=%20"})");
}

TEST_CASE("grok IP takes IPv6 in its compressed and IPv4-tailed spellings") {
  for (const char* ip : {"2001:db8::1", "::1", "fe80::1%eth0", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8"})
    CHECK(grok("^%{IP:ip}$", ip) == std::string(R"({"ip":")") + ip + "\"}");
  CHECK(grok("^%{IPV4:ip}$", "256.1.1.1") == "no match");
}

TEST_CASE("grok COMBINEDAPACHELOG splits an access log line") {
  CHECK(grok("%{COMBINEDAPACHELOG}",
             R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://x/" "curl/8")") ==
        R"({"agent":"\"curl/8\"","auth":"frank","bytes":"2326","clientip":"127.0.0.1","httpversion":"1.0",)"
        R"("ident":"-","referrer":"\"http://x/\"","request":"/a.gif","response":"200",)"
        R"("timestamp":"10/Oct/2000:13:55:36 -0700","verb":"GET"})");
}

TEST_CASE("grok SYSLOGLINE reads program and pid from inside its patterns") {
  CHECK(grok("%{SYSLOGLINE}", "Mar  7 04:02:16 host sshd[123]: Accepted key") ==
        R"({"logsource":"host","message":"Accepted key","pid":"123","program":"sshd","timestamp":"Mar  7 04:02:16"})");
}

TEST_CASE("grok fields named in several alternatives give the one that matched") {
  CHECK(grok("%{HTTPD_ERRORLOG}", "[Mon Oct 09 10:00:00 2000] [error] [client 1.2.3.4] File missing") ==
        R"({"clientip":"1.2.3.4","errormsg":"File missing","loglevel":"error","timestamp":"Mon Oct 09 10:00:00 2000"})");
  CHECK(grok(R"(%{INT:n}\|%{WORD:n})", "abc") == R"({"n":"abc"})");
}

TEST_CASE("grok java stack frames and uuids") {
  CHECK(grok("%{JAVASTACKTRACEPART}", "  at com.example.Foo.bar(Foo.java:42)") ==
        R"({"class":"com.example.Foo","file":"Foo.java","line":"42","method":"bar"})");
  CHECK(grok("^%{UUID:u}$", "123e4567-e89b-12d3-a456-426614174000") ==
        R"({"u":"123e4567-e89b-12d3-a456-426614174000"})");
}

}
