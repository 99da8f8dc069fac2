#include <doctest/doctest.h>

#include <chrono>

#include "dsl/json_text.hpp"
#include "dsl_test_support.hpp"

// Extractors (`~ name|…|`) against Tremor's semantics. Every expected value
// here is worked out by hand from the behaviour of Tremor's extractor (the
// Rust `glob` crate, tremor's dissect and tremor-kv crates, `regex`), not
// taken from Temblor's output.

using namespace temblor;
using namespace temblor::dsl;
using namespace temblor::dsl::test;

namespace {

/// Runs `match <input> of case r = ~ <extractor> => r case _ => "no match" end`
/// and returns the result as compact JSON.
std::string extract(const std::string& extractor, const std::string& input_json) {
  std::string src = "match event of case r = ~ " + extractor + " => r case _ => \"no match\" end";
  value in;
  std::string err;
  REQUIRE_MESSAGE(from_json(input_json, in, err), err);
  auto r = run_script(src, std::move(in));
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  return to_json(r.result, true);
}

/// True when the glob body matches the text.
bool globs(const std::string& pattern, const std::string& text) {
  std::string src = "match event of case ~ glob|" + pattern + "| => true case _ => false end";
  auto r = run_script(src, value(text));
  REQUIRE_MESSAGE(r.st == status::ok, r.error);
  return r.result.is_bool() && r.result.as_bool();
}

/// True when the script fails to load (or run) with an error.
bool fails_to_load(const std::string& extractor) {
  auto r = run_script("match \"x\" of case ~ " + extractor + " => 1 case _ => 0 end");
  return r.st == status::error;
}

/// The error text of a script whose extractor does not compile.
std::string load_error(const std::string& extractor) {
  auto r = run_script("match \"x\" of case ~ " + extractor + " => 1 case _ => 0 end");
  return r.st == status::error ? r.error : "loaded";
}

} // namespace

TEST_SUITE("dsl.extractors") {

TEST_CASE("glob character classes match one character of the set") {
  CHECK(globs("abc[xy]", "abcx"));
  CHECK(globs("abc[xy]", "abcy"));
  CHECK_FALSE(globs("abc[xy]", "abcz"));
  CHECK(globs("[a-z]", "m"));
  CHECK_FALSE(globs("[a-z]", "M"));
  CHECK(globs("x[0-9a-f]y", "xey"));
  CHECK_FALSE(globs("x[0-9a-f]y", "xgy"));
}

TEST_CASE("glob negated classes use a bang and a caret is an ordinary member") {
  CHECK(globs("[!a]", "b"));
  CHECK_FALSE(globs("[!a]", "a"));
  CHECK_FALSE(globs("[!a-c]x", "bx"));
  CHECK(globs("[!a-c]x", "dx"));
  // The glob crate has no `^` negation: `[^a]` is the set {^, a}.
  CHECK(globs("[^a]", "^"));
  CHECK(globs("[^a]", "a"));
  CHECK_FALSE(globs("[^a]", "b"));
}

TEST_CASE("glob brackets escape metacharacters and a leading close bracket") {
  CHECK(globs("a[*]", "a*"));
  CHECK_FALSE(globs("a[*]", "ab"));
  CHECK(globs("[?]", "?"));
  CHECK_FALSE(globs("[?]", "x"));
  CHECK(globs("[]]", "]"));
  CHECK(globs("[!]]", "x"));
  CHECK_FALSE(globs("[!]]", "]"));
  // A backslash (written `\\` in the extractor) is a literal character.
  CHECK(globs("a\\\\b", "a\\b"));
}

TEST_CASE("glob wildcards cross slashes and count characters not bytes") {
  CHECK(globs("a*c", "a/b/c"));
  CHECK(globs("a?b", "a/b"));
  CHECK(globs("*", ""));
  CHECK_FALSE(globs("?", ""));
  CHECK(globs("?", "\xC3\xA9"));            // é is one character
  CHECK_FALSE(globs("??", "\xC3\xA9"));
  CHECK(globs("[\xC3\xA0-\xC3\xBF]", "\xC3\xA9")); // [à-ÿ]
  CHECK(globs("a?c*", "abcx123"));
  CHECK_FALSE(globs("a?c*", "abdx"));
}

TEST_CASE("glob double star is a whole path component that resumes after a slash") {
  CHECK(globs("a/**/b", "a/x/y/b"));
  CHECK(globs("a/**/b", "a/b"));
  CHECK(globs("**/b", "b"));
  CHECK(globs("**/b", "x/b"));
  CHECK_FALSE(globs("**/b", "xb"));
  CHECK(globs("a/**", "a/bc/d"));
}

TEST_CASE("glob patterns the glob crate rejects fail the load") {
  CHECK(fails_to_load("glob|a**|"));
  CHECK(fails_to_load("glob|**a|"));
  CHECK(fails_to_load("glob|a***|"));
  CHECK(fails_to_load("glob|[abc|"));
  CHECK(fails_to_load("glob|[]|"));
  CHECK(fails_to_load("glob|[!]|"));
  CHECK_FALSE(fails_to_load("glob|a/**/b|"));
}

TEST_CASE("dissect reference keys take their name from a named skip") {
  CHECK(extract("dissect|%{?k} %{&k}|", R"("key value")") == R"({"key":"value"})");
  // Only named skips name keys, and each names one.
  CHECK(extract("dissect|%{k} %{&k}|", R"("key value")") == R"("no match")");
  CHECK(extract("dissect|%{?k} %{&k} %{&k}|", R"("a b c")") == R"("no match")");
  CHECK(extract("dissect|%{?a}=%{&a} %{?b}=%{&b}|", R"("x=1 y=2")") == R"({"x":"1","y":"2"})");
  // A reference to a name never captured cannot produce a key.
  CHECK(extract("dissect|%{a} %{&zz}|", R"("key value")") == R"("no match")");
}

TEST_CASE("dissect converts typed fields and a bad number does not match") {
  CHECK(extract("dissect|%{n:int} %{f:float}|", R"("42 1.5")") == R"({"f":1.5,"n":42})");
  CHECK(extract("dissect|%{n:int}|", R"("-7")") == R"({"n":-7})");
  CHECK(extract("dissect|%{s:string}|", R"("42")") == R"({"s":"42"})");
  CHECK(extract("dissect|%{n:int}|", R"("4x")") == R"("no match")");
  CHECK(extract("dissect|%{f:float}|", R"("abc")") == R"("no match")");
  CHECK(fails_to_load("dissect|%{n:bool}|"));
}

TEST_CASE("dissect padding skips runs of spaces or of a custom filler") {
  CHECK(extract("dissect|%{a}%{_}%{b}|", R"("foo   bar")") == R"({"a":"foo","b":"bar"})");
  CHECK(extract("dissect|%{a}%{_}%{b}|", R"("foo bar")") == R"({"a":"foo","b":"bar"})");
  CHECK(extract("dissect|%{a}%{_(-)}%{b}|", R"("foo---bar")") == R"({"a":"foo","b":"bar"})");
  CHECK(extract("dissect|%{a}%{_(ab)}.%{b}|", R"("x.ababab.y")") == R"({"a":"x.","b":"y"})");
  CHECK(extract("dissect|%{a}%{_}|", R"("foo   ")") == R"({"a":"foo"})");
}

TEST_CASE("dissect appends repeated fields with a space or the last padding") {
  CHECK(extract("dissect|%{+a} %{+a}|", R"("x y")") == R"({"a":"x y"})");
  CHECK(extract("dissect|%{+a} %{b} %{+a}|", R"("x y z")") == R"({"a":"x z","b":"y"})");
  CHECK(extract("dissect|%{+a}-%{+a}|", R"("x-y")") == R"({"a":"x y"})");
  CHECK(extract("dissect|%{+a}%{_(-)}%{+a}|", R"("x--y")") == R"({"a":"x-y"})");
  CHECK(extract("dissect|%{a} %{+a}|", R"("x y")") == R"({"a":"x y"})");
  CHECK(fails_to_load("dissect|%{+a:int}|"));
}

TEST_CASE("dissect right padding swallows repeated delimiters") {
  CHECK(extract("dissect|%{a->} %{b}|", R"("x    y")") == R"({"a":"x","b":"y"})");
  CHECK(extract("dissect|%{a} %{b}|", R"("x    y")") == R"({"a":"x","b":"   y"})");
}

TEST_CASE("dissect skip fields consume text without output") {
  CHECK(extract("dissect|%{} %{b}|", R"("x y")") == R"({"b":"y"})");
  CHECK(extract("dissect|%{?x} %{b}|", R"("x y")") == R"({"b":"y"})");
  CHECK(extract("dissect|%{a} %{?b} %{c}|", R"("x y z")") == R"({"a":"x","c":"z"})");
}

TEST_CASE("dissect needs every delimiter and all the input") {
  CHECK(extract("dissect|%{a} %{b}|", R"("x")") == R"("no match")");
  CHECK(extract("dissect|%{a}:|", R"("x:y")") == R"("no match")");
  CHECK(extract("dissect|[%{a}]|", R"("[x]")") == R"({"a":"x"})");
  CHECK(fails_to_load("dissect|%{a}%{b}|"));
  CHECK(fails_to_load("dissect|%{a|"));
  CHECK(fails_to_load("dissect|%{a}%{_}%{_(-)}%{b}|"));
}

TEST_CASE("kv with an empty pattern splits fields on spaces and pairs on colons") {
  CHECK(extract("kv||", R"("a:1 b:2")") == R"({"a":"1","b":"2"})");
  CHECK(extract("kv||", R"("a=1 b=2")") == R"("no match")");
  // Pieces that are not a pair are ignored; one pair is enough.
  CHECK(extract("kv||", R"("a:1 junk b:2")") == R"({"a":"1","b":"2"})");
  CHECK(extract("kv||", R"("a:1:2 b:3")") == R"({"b":"3"})");
  CHECK(extract("kv||", R"("nothing here")") == R"("no match")");
}

TEST_CASE("kv patterns set the key and field separators") {
  CHECK(extract("kv|%{key}=%{val}&|", R"("a=1&b=2")") == R"({"a":"1","b":"2"})");
  CHECK(extract("kv|%{key}=%{val}&|", R"("a:1&b:2")") == R"("no match")");
  CHECK(extract("kv|%{key}=%{val}|", R"("a=1 b=2")") == R"({"a":"1","b":"2"})");
  // Several separators of each kind may be given.
  CHECK(extract("kv|%{key}=%{val};%{key}:%{val} |", R"("a=1;b:2 c=3")") ==
        R"({"a":"1","b":"2","c":"3"})");
  CHECK(extract("kv|%{key}->%{val}, |", R"("x->y, z->w")") == R"({"x":"y","z":"w"})");
  CHECK(fails_to_load("kv|%{key}=|"));
}

TEST_CASE("rerg collects every match of each named group into an array") {
  CHECK(extract("rerg|(?P<l>[a-z])|", R"("a1b2")") == R"({"l":["a","b"]})");
  CHECK(extract("rerg|(?P<k>[a-z]+)=(?P<v>[0-9]+)|", R"("a=1, bb=22")") ==
        R"({"k":["a","bb"],"v":["1","22"]})");
  // A group that does not take part in a match adds nothing for it.
  CHECK(extract(R"(rerg|(?P<d>[0-9])\|(?P<l>[a-z])|)", R"("1a2")") ==
        R"({"d":["1","2"],"l":["a"]})");
  CHECK(extract("rerg|(?P<l>[a-z])|", R"("123")") == R"({})");
}

TEST_CASE("re returns the named groups of the first match only") {
  CHECK(extract("re|(?P<l>[a-z])|", R"("a1b2")") == R"({"l":"a"})");
  CHECK(extract("re|(?P<l>[a-z])|", R"("123")") == R"("no match")");
  // A group that did not take part is left out; unnamed groups are ignored.
  CHECK(extract("re|(?P<a>x)?(y)(?P<b>z)|", R"("yz")") == R"({"b":"z"})");
  // A parenthesis inside a class opens no group.
  CHECK(extract("re|[(](?P<n>[0-9]+)[)]|", R"x("(42)")x") == R"({"n":"42"})");
}

TEST_CASE("re understands Rust's leading inline flags and text anchors") {
  CHECK(extract("re|(?i)^(?P<w>abc)$|", R"("ABC")") == R"({"w":"ABC"})");
  CHECK(extract("re|^(?P<w>abc)$|", R"("ABC")") == R"("no match")");
  CHECK(extract("re|(?s)^(?P<all>a.b)$|", R"("a\nb")") == R"({"all":"a\nb"})");
  CHECK(extract("re|^(?P<all>a.b)$|", R"("a\nb")") == R"("no match")");
  CHECK(extract(R"(re|\\A(?P<x>[0-9]+)\\z|)", R"("123")") == R"({"x":"123"})");
  CHECK(extract(R"(re|\\A(?P<x>[0-9]+)\\z|)", R"("123a")") == R"("no match")");
  CHECK(fails_to_load("re|(?P<x>[0-9]+|"));
}

TEST_CASE("base64 decodes canonical standard base64 into a UTF-8 string") {
  CHECK(extract("base64||", R"("aGVsbG8=")") == R"("hello")");
  CHECK(extract("base64||", R"("aGk=")") == R"("hi")");
  CHECK(extract("base64||", R"("")") == R"("")");
  CHECK(extract("base64||", R"("aGVsbG8")") == R"("no match")");   // padding missing
  CHECK(extract("base64||", R"("aGVsbG9=")") == R"("no match")");  // trailing bits set
  CHECK(extract("base64||", R"("aG=s")") == R"("no match")");      // padding inside
  CHECK(extract("base64||", R"("a-_b")") == R"("no match")");      // URL-safe alphabet
  CHECK(extract("base64||", R"("/w==")") == R"("no match")");      // 0xFF is not UTF-8
  CHECK(extract("base64||", R"("7aCA")") == R"("no match")");      // ED A0 80: a surrogate
  CHECK(extract("base64||", R"("w6k=")") == "\"\xC3\xA9\"");       // é
}

TEST_CASE("cidr yields the prefix and mask of an IPv4 or IPv6 network") {
  CHECK(extract("cidr||", R"("10.1.2.3")") ==
        R"({"mask":[255,255,255,255],"prefix":[10,1,2,3]})");
  CHECK(extract("cidr||", R"("10.22.0.0/24")") ==
        R"({"mask":[255,255,255,0],"prefix":[10,22,0,0]})");
  CHECK(extract("cidr||", R"("2001:db8::/32")") ==
        R"({"mask":[65535,65535,0,0,0,0,0,0],"prefix":[8193,3512,0,0,0,0,0,0]})");
  CHECK(extract("cidr||", R"("::1")") ==
        R"({"mask":[65535,65535,65535,65535,65535,65535,65535,65535],"prefix":[0,0,0,0,0,0,0,1]})");
}

TEST_CASE("cidr rejects host bits, bad prefixes and malformed addresses") {
  CHECK(extract("cidr||", R"("10.22.0.5/24")") == R"("no match")");
  CHECK(extract("cidr||", R"("10.22.0.0/33")") == R"("no match")");
  CHECK(extract("cidr||", R"("10.22.0.0/")") == R"("no match")");
  CHECK(extract("cidr||", R"("01.2.3.4")") == R"("no match")");
  CHECK(extract("cidr||", R"("1.2.3")") == R"("no match")");
  CHECK(extract("cidr||", R"("host")") == R"("no match")");
}

TEST_CASE("cidr ranges accept only values inside one of them") {
  const std::string ex = "cidr|10.0.0.0/8, 2001:db8::/32|";
  CHECK(extract(ex, R"("10.9.8.7")") == R"({"mask":[255,255,255,255],"prefix":[10,9,8,7]})");
  CHECK(extract(ex, R"("11.0.0.1")") == R"("no match")");
  CHECK(extract(ex, R"("2001:db8::1")") ==
        R"({"mask":[65535,65535,65535,65535,65535,65535,65535,65535],"prefix":[8193,3512,0,0,0,0,0,1]})");
  CHECK(extract(ex, R"("2001:db9::1")") == R"("no match")");
  CHECK(fails_to_load("cidr|not-an-ip|"));
}

TEST_CASE("datetime parses with chrono's specifiers and folds offsets into UTC") {
  // 1700000000 s is 2023-11-14 22:13:20 UTC.
  CHECK(extract("datetime|%Y-%m-%d %H:%M:%S %z|", R"("2023-11-14 23:13:20 +0100")") ==
        "1700000000000000000");
  CHECK(extract("datetime|%Y-%m-%d %H:%M:%S %z|", R"("2023-11-14 22:13:20 +0000")") ==
        "1700000000000000000");
  CHECK(extract("datetime|%Y-%m-%d %H:%M:%S|", R"("2023-11-14 22:13:20")") ==
        "1700000000000000000");
  CHECK(extract("datetime|%d/%b/%Y:%H:%M:%S %z|", R"("14/Nov/2023:14:13:20 -0800")") ==
        "1700000000000000000");
  CHECK(extract("datetime|%Y-%m-%d %H:%M:%S|", R"("2023-11-14")") == R"("no match")");
  CHECK(extract("datetime|%Y-%m-%d|", R"("2023-11-14 junk")") == R"("no match")");
  // chrono needs a time of day for a timestamp.
  CHECK(extract("datetime|%Y-%m-%d|", R"("2023-11-14")") == R"("no match")");
}

TEST_CASE("influx decodes line protocol with typed fields and escapes") {
  CHECK(extract("influx||", R"("cpu,host=a value=1i,s=\"hi\",ok=t 10")") ==
        R"({"fields":{"ok":true,"s":"hi","value":1},"measurement":"cpu","tags":{"host":"a"},"timestamp":10})");
  CHECK(extract("influx||", R"("m f=1.5,g=-2,b=FALSE,c=False 7")") ==
        R"({"fields":{"b":false,"c":false,"f":1.5,"g":-2.0},"measurement":"m","tags":{},"timestamp":7})");
  // Escaped separators in the measurement and tags, quotes and commas in strings.
  CHECK(extract("influx||", R"("my\\ m,t\\=k=a\\,b f=\"x, \\\"y\\\"\" 1")") ==
        R"({"fields":{"f":"x, \"y\""},"measurement":"my m","tags":{"t=k":"a,b"},"timestamp":1})");
}

TEST_CASE("influx rejects malformed lines") {
  CHECK(extract("influx||", R"("cpu")") == R"("no match")");               // no fields
  CHECK(extract("influx||", R"("cpu value=abc 1")") == R"("no match")");   // not a number
  CHECK(extract("influx||", R"("cpu value=1x 1")") == R"("no match")");
  CHECK(extract("influx||", R"("cpu value=1 12ab")") == R"("no match")");  // bad timestamp
  CHECK(extract("influx||", R"("cpu value=\"open 1")") == R"("no match")");
  CHECK(extract("influx||", R"("cpu,host value=1 1")") == R"("no match")"); // tag without =
  CHECK(extract("influx||", R"("# a comment")") == R"("no match")");
  CHECK(extract("influx||", R"("")") == R"("no match")");
}

TEST_CASE("json accepts one strict JSON document") {
  CHECK(extract("json||", R"("{\"a\":[1,2.5,\"x\"]}")") == R"({"a":[1,2.5,"x"]})");
  CHECK(extract("json||", R"(" [1] ")") == "[1]");
  CHECK(extract("json||", R"("42")") == "42");
  CHECK(extract("json||", R"("1 2")") == R"("no match")");
  CHECK(extract("json||", R"("[1,]")") == R"("no match")");
  CHECK(extract("json||", R"("{'a':1}")") == R"("no match")");
  CHECK(extract("json||", R"("")") == R"("no match")");
  CHECK(extract("json||", R"("NaN")") == R"("no match")");
}

TEST_CASE("extractors match strings only, never bytes or other values") {
  auto run = [](const std::string& subject) {
    auto r = run_script("match " + subject + " of case ~ glob|*| => 1 case _ => 0 end");
    REQUIRE_MESSAGE(r.st == status::ok, r.error);
    return to_json(r.result, true);
  };
  CHECK(run("\"abc\"") == "1");
  CHECK(run("<< \"abc\" >>") == "0");
  CHECK(run("42") == "0");
  CHECK(run("[\"abc\"]") == "0");
}

TEST_CASE("re survives a megabyte of hostile input and answers promptly") {
  // std::regex recursed once per character here and overflowed the stack;
  // a backtracking engine would take exponential time on `^(a+)+$` + "!".
  // (`\|` is the extractor's spelling of `|`.)
  const std::string as(1 << 20, 'a');
  auto run = [](const std::string& extractor, std::string subject) {
    auto start = std::chrono::steady_clock::now();
    auto r = run_script("match event of case r = ~ " + extractor +
                          " => r case _ => \"no match\" end",
                        value(std::move(subject)));
    auto took = std::chrono::steady_clock::now() - start;
    // Linear time takes a second or two (10 s was exceeded once at load 9);
    // exponential time on a megabyte would not end at all.
    CHECK(took < std::chrono::seconds(60));
    REQUIRE_MESSAGE(r.st == status::ok, r.error);
    return r.result;
  };
  CHECK(run(R"(re|(?P<x>(a\|b)*c)|)", as) == value("no match"));
  CHECK(run(R"(re|(?P<x>(a\|b)*c)|)", as + "c") == value(record{{"x", value(as + "c")}}));
  CHECK(run("re|^(?P<x>(a+)+)$|", as) == value(record{{"x", value(as)}}));
  CHECK(run("re|^(?P<x>(a+)+)$|", as + "!") == value("no match"));
  value all = run("rerg|(?P<x>a)|", as);
  REQUIRE(all.get("x") != nullptr);
  CHECK(all.get("x")->as_array().size() == as.size());
}

TEST_CASE("re classes and dot are Unicode as in Rust") {
  // \w and \d take any script's letters and decimal digits; `.` one
  // character, not one byte.
  CHECK(extract(R"(re|^(?P<w>\\w+) (?P<d>\\d+)$|)", R"("naïve ٤٢")") ==
        R"({"d":"٤٢","w":"naïve"})");
  CHECK(extract("re|^(?P<c>.)$|", R"("é")") == R"({"c":"é"})");
  CHECK(extract("re|^(?P<c>.)$|", R"("ab")") == R"("no match")");
  CHECK(extract(R"(re|^(?P<w>[\\w-]+)$|)", R"("żółw-1")") == R"({"w":"żółw-1"})");
  CHECK(extract(R"(re|^\\W(?P<x>\\S+)\\s$|)", R"("¿qué\u00a0")") == R"({"x":"qué"})");
  CHECK(extract("re|(?i)^(?P<w>é)$|", R"("É")") == R"({"w":"É"})");
  CHECK(extract(R"(re|^(?P<e>\\u{e9}\|\\u00e8)$|)", R"("è")") == R"({"e":"è"})");
}

TEST_CASE("re takes both spellings of a named group") {
  CHECK(extract("re|(?<a>[0-9]+)-(?P<b>[0-9]+)|", R"("1-2")") == R"({"a":"1","b":"2"})");
}

TEST_CASE("a bad re, rerg or grok pattern fails the load with the reason") {
  CHECK(load_error("re|(?P<x>[0-9]+|").find("regex parse error:\n    (?P<x>[0-9]+\n    ^^^^^^\n"
                                            "error: unclosed group") != std::string::npos);
  CHECK(load_error("rerg|a{2,1}|").find("error: invalid repetition count range, the start must be <= the end") !=
        std::string::npos);
  // Backreferences and lookaround are not in Rust's syntax either.
  CHECK(load_error(R"(re|(a)\\1|)").find("error: backreferences are not supported") != std::string::npos);
  CHECK(load_error("re|a(?=b)|").find("error: look-around, including look-ahead and look-behind, is not supported") !=
        std::string::npos);
  CHECK(load_error("re|[a[b]]|").find("nested character classes") != std::string::npos);
  // RE2's any-byte escape could split a character; Rust has none.
  CHECK(load_error(R"(re|a\\C|)").find("    a\\C\n     ^^\nerror: unrecognized escape sequence") !=
        std::string::npos);
  CHECK(load_error("grok|%{NOPE:x}|").find("Unknown grok pattern `NOPE`") != std::string::npos);
}

TEST_CASE("grok expands to a regex RE2 accepts") {
  CHECK(extract("grok|%{WORD:w} %{INT:i} %{GREEDYDATA:rest}|", R"("GET -12 a b\nc")") ==
        R"({"i":"-12","rest":"a b\nc","w":"GET"})");
  CHECK(extract("grok|%{TIMESTAMP_ISO8601:t} %{LOGLEVEL:l}|", R"("2024-01-02T03:04:05Z WARN")") ==
        R"({"l":"WARN","t":"2024-01-02T03:04:05Z"})");
}

} // TEST_SUITE
