#include <doctest/doctest.h>

#include "dsl/lexer.hpp"

using namespace temblor::dsl;

namespace {

std::vector<token> lex_all(const std::string& text, diagnostics& diags, bool& ok) {
  auto file = std::make_shared<source_file>(source_file{"t", text});
  std::vector<token> toks;
  ok = lex(file, source_pos{1, 1, 0}, text.size(), toks, diags);
  return toks;
}

std::vector<token> lex_ok(const std::string& text) {
  diagnostics d;
  bool ok = false;
  auto t = lex_all(text, d, ok);
  REQUIRE_MESSAGE(ok, d.render());
  return t;
}

} // namespace

TEST_SUITE("dsl.lexer") {

TEST_CASE("a digit followed by letters is an unexpected character") {
  diagnostics d;
  bool ok = true;
  lex_all("let x = 42bad;", d, ok);
  CHECK_FALSE(ok);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].message == "An unexpected character 'b' was found");
  CHECK(d.all()[0].span.begin.column == 11);
}

TEST_CASE("a control byte is named escaped and keeps its position") {
  diagnostics d;
  bool ok = true;
  lex_all(std::string("define connector c from fi\0le;", 30), d, ok);
  CHECK_FALSE(ok);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].message == "An unexpected character '\\u{0}' was found");
  CHECK(d.all()[0].span.begin.column == 27);
  // The rendered report keeps going past the byte: position and source line.
  std::string text = d.render();
  CHECK(text.find('\0') == std::string::npos);
  CHECK(text.find(":1:27") != std::string::npos);
  // The byte shows as its control picture (U+2400).
  CHECK(text.find("fi\xE2\x90\x80le") != std::string::npos);
}

TEST_CASE("a source that is not UTF-8 is rejected where the bad byte is") {
  diagnostics d;
  bool ok = true;
  lex_all("let x = 1;\nlet \xFF\xFE" "ab = 2;", d, ok);
  CHECK_FALSE(ok);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].message == "stream did not contain valid UTF-8");
  CHECK(d.all()[0].hint == "invalid byte 0xFF");
  CHECK(d.all()[0].span.begin.line == 2);
  CHECK(d.all()[0].span.begin.column == 5);
  // Well-formed multi-byte identifiers stay fine.
  auto t = lex_ok("let größe = 1;");
  CHECK(t[1].text == "größe");
}

TEST_CASE("integers allow underscores and hex and floats need digits on both sides") {
  auto t = lex_ok("1_000_000 0x1F 1.5 2.0e-3 7");
  REQUIRE(t.size() == 6);
  CHECK(t[0].kind == tok::integer);
  CHECK(t[0].u == 1000000);
  CHECK(t[1].u == 31);
  CHECK(t[2].kind == tok::floating);
  CHECK(t[2].f == doctest::Approx(1.5));
  CHECK(t[3].f == doctest::Approx(0.002));
  CHECK(t[4].u == 7);
  auto dots = lex_ok("event.a.b");
  CHECK(dots.size() == 6);
}

TEST_CASE("strings decode escapes and keep interpolations as parts") {
  auto t = lex_ok(R"("a\n\"b\" \u00e9 \#{x} #{1 + 2} end")");
  REQUIRE(t[0].kind == tok::string);
  REQUIRE(t[0].parts.size() == 3);
  CHECK(t[0].parts[0].text == "a\n\"b\" \xC3\xA9 #{x} ");
  CHECK(t[0].parts[1].is_expr);
  CHECK(t[0].parts[2].text == " end");
}

TEST_CASE("heredocs keep their content verbatim") {
  auto t = lex_ok("\"\"\"\n  line one\n  \"quoted\"\n\"\"\"");
  REQUIRE(t[0].kind == tok::string);
  REQUIRE(t[0].parts.size() == 1);
  CHECK(t[0].parts[0].text == "  line one\n  \"quoted\"\n");
}

TEST_CASE("doc comments and module comments and config directives are tokens") {
  auto t = lex_ok("### module\n## doc\n# plain comment\n#!config metrics_interval_s = 3");
  CHECK(t[0].kind == tok::mod_comment);
  CHECK(t[1].kind == tok::doc_comment);
  CHECK(t[2].kind == tok::config);
  CHECK(t[3].text == "metrics_interval_s");
  // Any other `#!` is a token of its own that no grammar rule accepts.
  diagnostics d;
  bool ok = true;
  auto other = lex_all("#!/bin/sh", d, ok);
  REQUIRE(ok);
  CHECK(other[0].kind == tok::bad);
  CHECK(other[0].text == "#!");
}

TEST_CASE("a `>` that ends the input is a token no rule accepts, as in Tremor's lexer") {
  diagnostics d;
  bool ok = true;
  auto last = lex_all("a >", d, ok);
  REQUIRE(ok);
  CHECK(last[1].kind == tok::bad);
  CHECK(last[1].text == ">");
  auto inside = lex_all("a > b", d, ok);
  CHECK(inside[1].is_punct(">"));
}

TEST_CASE("a line of four or more hashes is one module comment token") {
  // Tremor's lexer makes every `###`-prefixed line a module comment, so
  // `####…` banners are module comments too (legal only at a file's start).
  auto t = lex_ok("########\n### title ###\n##x\n#### \n");
  REQUIRE(t.size() == 5);
  CHECK(t[0].kind == tok::mod_comment);
  CHECK(t[1].kind == tok::mod_comment);
  CHECK(t[2].kind == tok::doc_comment);
  CHECK(t[3].kind == tok::mod_comment);
  CHECK(t[4].kind == tok::eof);
}

TEST_CASE("backtick identifiers may hold keywords and punctuation") {
  auto t = lex_ok("`udp-out` `pipeline` in out");
  CHECK(t[0].kind == tok::ident);
  CHECK(t[0].text == "udp-out");
  CHECK(t[1].kind == tok::ident);
  CHECK(t[1].text == "pipeline");
  CHECK(t[2].kind == tok::ident);
  CHECK(t[3].kind == tok::ident);
}

TEST_CASE("keywords are reserved and a leading underscore is its own token") {
  auto t = lex_ok("select _x");
  CHECK(t[0].kind == tok::keyword);
  CHECK(t[1].is_punct("_"));
  CHECK(t[2].text == "x");
}

TEST_CASE("an unterminated string is reported at its start") {
  diagnostics d;
  bool ok = true;
  lex_all("let a = \"abc", d, ok);
  CHECK_FALSE(ok);
  CHECK(d.all()[0].span.begin.column == 9);
}

TEST_CASE("extractor literals are single tokens") {
  auto t = lex_ok("~= dissect|%{a} %{b}|");
  CHECK(t[1].text == "dissect");
  CHECK(t[2].kind == tok::extractor);
  CHECK(t[2].text == "%{a} %{b}");
}

}
