#include <doctest/doctest.h>

#include "codecs/binary.hpp"
#include "codecs/csv.hpp"
#include "codecs/influx.hpp"
#include "codecs/json.hpp"
#include "codecs/null.hpp"
#include "codecs/statsd.hpp"
#include "codecs/string.hpp"

using namespace temblor;
using namespace temblor::codecs;

TEST_SUITE("codecs.text") {

TEST_CASE("the string codec turns UTF-8 text into a string and back") {
  string_codec c;
  value v;
  std::string err, out;
  REQUIRE(c.decode("héllo {\"not\": json}", v, err));
  CHECK(v == value{"héllo {\"not\": json}"});
  CHECK(v.is_string());
  REQUIRE(c.encode(v, out, err));
  CHECK(out == "héllo {\"not\": json}");
}

TEST_CASE("the string codec rejects invalid UTF-8") {
  string_codec c;
  value v;
  std::string err;
  CHECK_FALSE(c.decode("ab\xff", v, err));
  CHECK(err.find("UTF-8") != std::string::npos);
}

TEST_CASE("the string codec encodes non-string values as JSON") {
  string_codec c;
  std::string err, out;
  REQUIRE(c.encode(value{record{{"a", 1.0}}}, out, err));
  CHECK(out == R"({"a":1.0})");
  out.clear();
  REQUIRE(c.encode(value{7}, out, err));
  CHECK(out == "7");
}

TEST_CASE("the binary codec passes bytes through and writes strings raw") {
  binary_codec c;
  value v;
  std::string err, out;
  std::string raw("\x00\xff\n", 3);
  REQUIRE(c.decode(raw, v, err));
  CHECK(v.is_bytes());
  CHECK(v.as_bytes().data == raw);
  REQUIRE(c.encode(v, out, err));
  CHECK(out == raw);
  out.clear();
  REQUIRE(c.encode(value{"text"}, out, err));
  CHECK(out == "text");
  out.clear();
  REQUIRE(c.encode(value{array{1, "x"}}, out, err));
  CHECK(out == R"([1,"x"])");
}

TEST_CASE("the null codec encodes every value as nothing") {
  null_codec c;
  std::string err, out;
  REQUIRE(c.encode(value{record{{"a", 1}}}, out, err));
  CHECK(out.empty());
}

}

TEST_SUITE("codecs.csv") {

TEST_CASE("the csv codec splits one record into strings honouring quotes") {
  csv_codec c(',');
  value v;
  std::string err;
  REQUIRE(c.decode("a,\"b,c\",\"say \"\"hi\"\"\",,\"multi\nline\"\r\n", v, err));
  CHECK(v == value{array{"a", "b,c", "say \"hi\"", "", "multi\nline"}});
  REQUIRE(c.decode("", v, err));
  CHECK(v == value{array{""}});
  CHECK_FALSE(c.decode("\"open", v, err));
  CHECK_FALSE(c.decode("\"a\"b", v, err));
}

TEST_CASE("the csv codec writes one record quoting only where needed") {
  csv_codec c(';');
  std::string out, err;
  REQUIRE(c.encode(value{array{"plain", "semi;colon", "quote\"d", 42, record{{"a", 1}}}}, out, err));
  CHECK(out == "plain;\"semi;colon\";\"quote\"\"d\";42;\"{\"\"a\"\":1}\"");
  value back;
  REQUIRE(c.decode(out, back, err));
  CHECK(back == value{array{"plain", "semi;colon", "quote\"d", "42", "{\"a\":1}"}});
  out.clear();
  CHECK_FALSE(c.encode(value{"not an array"}, out, err));
}

}

TEST_SUITE("codecs.influx") {

TEST_CASE("influx lines decode into Tremor's measurement record") {
  influx_codec c;
  value v;
  std::string err;
  REQUIRE(c.decode("weather,location=us\\ midwest,season=summer temperature=82,humidity=71i,"
                   "raining=f,note=\"it \\\"is\\\" hot\" 1465839830100400200",
                   v, err));
  CHECK(json_to_string(v)
        == R"({"measurement":"weather","tags":{"location":"us midwest","season":"summer"},)"
           R"("fields":{"temperature":82.0,"humidity":71,"raining":false,"note":"it \"is\" hot"},)"
           R"("timestamp":1465839830100400200})");
  REQUIRE(c.decode("cpu load=0.5", v, err));
  CHECK(v.get("tags")->as_record().empty());
  CHECK(v.get("timestamp")->is_integer());
}

TEST_CASE("influx encoding escapes and types fields the way it decodes them") {
  influx_codec c;
  value v{record{{"measurement", "my measure"},
                 {"tags", record{{"host", "a,b"}}},
                 {"fields", record{{"n", 3}, {"x", 1.0}, {"s", "q\"q"}, {"ok", true}}},
                 {"timestamp", 1000}}};
  std::string out, err;
  REQUIRE(c.encode(v, out, err));
  CHECK(out == R"(my\ measure,host=a\,b n=3i,x=1.0,s="q\"q",ok=true 1000)");
  value back;
  REQUIRE(c.decode(out, back, err));
  CHECK(back == v);
}

TEST_CASE("malformed influx lines are errors") {
  influx_codec c;
  value v;
  std::string err;
  for (const char* bad : {"", "m", "m,t field=1", "m f=", "m f=\"open", "m f=1 notatime",
                          "m f=abc", ",t=1 f=1"}) {
    INFO(bad);
    CHECK_FALSE(c.decode(bad, v, err));
  }
  std::string out;
  CHECK_FALSE(c.encode(value{record{{"measurement", "m"}}}, out, err));
}

}

TEST_SUITE("codecs.statsd") {

TEST_CASE("statsd lines decode into Tremor's metric record and encode back") {
  statsd_codec c;
  value v;
  std::string err, out;
  REQUIRE(c.decode("page.views:3|c|@0.5", v, err));
  CHECK(json_to_string(v) == R"({"type":"c","metric":"page.views","value":3,"sample_rate":0.5})");
  REQUIRE(c.encode(v, out, err));
  CHECK(out == "page.views:3|c|@0.5");
  REQUIRE(c.decode("fuel:-1.5|g", v, err));
  CHECK(json_to_string(v) == R"({"type":"g","metric":"fuel","value":1.5,"action":"sub"})");
  out.clear();
  REQUIRE(c.encode(v, out, err));
  CHECK(out == "fuel:-1.5|g");
  REQUIRE(c.decode("api:320|ms", v, err));
  CHECK(*v.get("value") == value{320});
}

TEST_CASE("malformed statsd lines are errors") {
  statsd_codec c;
  value v;
  std::string err;
  for (const char* bad : {"", "name", "name:1", "name:1|x", ":1|c", "name:abc|c", "name:1|c|0.5",
                          "name:1|c|@"}) {
    INFO(bad);
    CHECK_FALSE(c.decode(bad, v, err));
  }
}

}
