#include <doctest/doctest.h>

#include "codecs/json.hpp"
#include "codecs/syslog.hpp"

using namespace temblor;
using namespace temblor::codecs;

namespace {

value decode_ok(std::string_view line) {
  syslog_codec c;
  value v;
  std::string err;
  bool ok = c.decode(line, v, err);
  INFO(err);
  REQUIRE(ok);
  return v;
}

std::string encode_ok(const value& v) {
  syslog_codec c;
  std::string out, err;
  bool ok = c.encode(v, out, err);
  INFO(err);
  REQUIRE(ok);
  return out;
}

} // namespace

TEST_SUITE("codecs.syslog") {

TEST_CASE("the RFC 5424 examples decode into Tremor's syslog record") {
  value v = decode_ok("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
                      "\xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8");
  CHECK(json_to_string(v)
        == R"({"severity":"crit","facility":"auth","hostname":"mymachine.example.com",)"
           R"("appname":"su","msg":"'su root' failed for lonvick on /dev/pts/8","procid":null,)"
           R"("msgid":"ID47","protocol":"RFC5424","protocol_version":1,"structured_data":null,)"
           R"("timestamp":1065910455003000000})");

  value sd = decode_ok(R"(<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 )"
                       R"([exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"])"
                       R"([examplePriority@32473 class="high \"x\\y\]"] An event)");
  CHECK(*sd.get("facility") == value{"local4"});
  CHECK(*sd.get("severity") == value{"notice"});
  CHECK(json_to_string(*sd.get("structured_data"))
        == R"({"exampleSDID@32473":[{"iut":"3"},{"eventSource":"Application"},)"
           R"({"eventID":"1011"}],"examplePriority@32473":[{"class":"high \"x\\y]"}]})");
  CHECK(*sd.get("msg") == value{"An event"});

  value offset = decode_ok("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - "
                           "%% It's time to make the do-nuts.");
  CHECK(*offset.get("timestamp") == value{1061727255000003000ll});
  CHECK(*offset.get("procid") == value{8710});
  CHECK(offset.get("msgid")->is_null());
}

TEST_CASE("an RFC 3164 line decodes with the tag and pid split out") {
  value v = decode_ok("<34>Oct  1 22:14:15 mymachine su[123]: 'su root' failed");
  CHECK(*v.get("protocol") == value{"RFC3164"});
  CHECK(*v.get("hostname") == value{"mymachine"});
  CHECK(*v.get("appname") == value{"su"});
  CHECK(*v.get("procid") == value{123});
  CHECK(*v.get("msg") == value{"'su root' failed"});
  CHECK(v.get("timestamp")->is_integer());
}

TEST_CASE("RFC 5424 records encode back to the same line") {
  for (const char* line :
       {"<34>1 2003-10-11T22:14:15.003+00:00 mymachine.example.com su - ID47 - 'su root' failed",
        "<165>1 2003-08-24T12:14:15.000003+00:00 192.0.2.1 myproc 8710 - "
        "[id@1 a=\"1\" b=\"q\\\"\"] msg",
        "<13>1 - - - - - -"}) {
    INFO(line);
    CHECK(encode_ok(decode_ok(line)) == line);
  }
}

TEST_CASE("RFC 3164 records encode in the old layout") {
  value v{record{{"severity", "info"},
                 {"facility", "user"},
                 {"hostname", "host"},
                 {"appname", "app"},
                 {"procid", 42},
                 {"msg", "hello"},
                 {"protocol", "RFC3164"},
                 {"timestamp", 1065910455003000000ll}}};
  CHECK(encode_ok(v) == "<14>Oct 11 22:14:15 host app[42]: hello");
}

TEST_CASE("lines without a valid priority or header are errors") {
  syslog_codec c;
  value v;
  std::string err;
  for (const char* bad : {"", "no priority", "<>1 - - - - - -", "<999>1 - - - - - -",
                          "<34>1 yesterday host app - - - msg", "<34>Foo 11 22:14:15 host x",
                          "<34>1 - h a - - [unterminated"}) {
    INFO(bad);
    CHECK_FALSE(c.decode(bad, v, err));
  }
  std::string out;
  CHECK_FALSE(c.encode(value{record{{"severity", "loud"}, {"facility", "user"}}}, out, err));
}

// Found by tools/fuzz.sh (syslog_codec): year 3003 overflowed the i64
// nanoseconds (UBSan: signed overflow) and decoded to a wrapped time.
TEST_CASE("an RFC 5424 timestamp outside i64 nanoseconds is an error, not an overflow") {
  syslog_codec c;
  value v;
  std::string err;
  for (const char* far : {"<165>1 3003-10-11T22:14:15.003Z host app - - - msg",
                          "<165>1 0001-01-01T00:00:00Z host app - - - msg"}) {
    INFO(far);
    CHECK_FALSE(c.decode(far, v, err));
    CHECK(err.find("invalid RFC 5424 timestamp") != std::string::npos);
  }
  // 2262-04-11T23:47:15Z is 9223372035 s after the epoch (106751 days).
  value edge = decode_ok("<165>1 2262-04-11T23:47:15.999999999Z host app - - - msg");
  REQUIRE(edge.get("timestamp") != nullptr);
  CHECK(*edge.get("timestamp") == value{9223372035999999999ll});
}

}
