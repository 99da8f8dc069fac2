#include <doctest/doctest.h>

#include "dsl/parser.hpp"

using namespace temblor::dsl;

namespace {

std::unique_ptr<module_ast> parse_text(const std::string& text, parse_mode mode, bool& ok,
                                       diagnostics& d) {
  auto file = std::make_shared<source_file>(source_file{"t", text});
  return parse(file, mode, d, ok);
}

// Renders an expression tree with explicit parentheses.
std::string shape(const expr& e) {
  switch (e.kind) {
    case expr_kind::binary: return "(" + shape(*e.items[0]) + " " + e.op + " " + shape(*e.items[1]) + ")";
    case expr_kind::unary: return "(" + e.op + " " + shape(*e.items[0]) + ")";
    case expr_kind::literal:
      if (e.lit.is_bool())
        return e.lit.as_bool() ? "true" : "false";
      if (e.lit.is_integer()) {
        int64_t i = 0;
        e.lit.get_i64(i);
        return std::to_string(i);
      }
      return "lit";
    case expr_kind::path: return e.root == path_root::local ? e.root_name : "path";
    case expr_kind::present: return "(present " + shape(*e.items[0]) + ")";
    default: return "?";
  }
}

std::string expr_shape(const std::string& src) {
  diagnostics d;
  bool ok = true;
  auto m = parse_text(src, parse_mode::script, ok, d);
  REQUIRE_MESSAGE(ok, d.render());
  REQUIRE(m->body.size() == 1);
  return shape(*m->body[0]);
}

} // namespace

TEST_SUITE("dsl.parser") {

TEST_CASE("operators bind with Tremor's precedence and associate left") {
  CHECK(expr_shape("not a == b") == "((not a) == b)");
  CHECK(expr_shape("a or b and c") == "(a or (b and c))");
  CHECK(expr_shape("a xor b or c") == "((a xor b) or c)");
  CHECK(expr_shape("a & b ^ c") == "((a & b) ^ c)");
  CHECK(expr_shape("a == b & c") == "((a == b) & c)");
  CHECK(expr_shape("a < b == c") == "((a < b) == c)");
  CHECK(expr_shape("1 + 2 << 3") == "((1 + 2) << 3)");
  CHECK(expr_shape("1 - 2 - 3") == "((1 - 2) - 3)");
  CHECK(expr_shape("1 + 2 * 3 % 4") == "(1 + ((2 * 3) % 4))");
  CHECK(expr_shape("-a * b") == "((- a) * b)");
  CHECK(expr_shape("present a and b") == "((present a) and b)");
}

TEST_CASE("a connector with args but no with block is a syntax error") {
  diagnostics d;
  bool ok = true;
  parse_text("define flow f flow define connector c from file args x = 1; end;", parse_mode::troy,
             ok, d);
  CHECK_FALSE(ok);
  CHECK(d.render().find("but expected `with`") != std::string::npos);
}

TEST_CASE("only flows deploys and uses are allowed at the top of a troy file") {
  diagnostics d;
  bool ok = true;
  parse_text("define connector c from file;", parse_mode::troy, ok, d);
  CHECK_FALSE(ok);
  CHECK(d.render().find("Found `connector` but expected `flow`") != std::string::npos);
}

TEST_CASE("a missing end names what was found and what was expected") {
  diagnostics d;
  bool ok = true;
  parse_text("define flow f\nflow\n  create pipeline p\n", parse_mode::troy, ok, d);
  CHECK_FALSE(ok);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].message == "Found end of file but expected `;` or `end`");
  CHECK(d.all()[0].span.begin.line == 4);
}

TEST_CASE("grouped use expands into one use per module") {
  diagnostics d;
  bool ok = true;
  auto m = parse_text("use tremor::{connectors, pipelines as p}; use a::b::c as x;",
                      parse_mode::troy, ok, d);
  REQUIRE_MESSAGE(ok, d.render());
  REQUIRE(m->items.uses.size() == 3);
  CHECK(m->items.uses[0].alias == "connectors");
  CHECK(m->items.uses[1].path == std::vector<std::string>{"tremor", "pipelines"});
  CHECK(m->items.uses[1].alias == "p");
  CHECK(m->items.uses[2].alias == "x");
}

TEST_CASE("select clauses parse in Tremor's order with having after into") {
  diagnostics d;
  bool ok = true;
  auto file = std::make_shared<source_file>(source_file{
    "q", "select event from in/p where true group by set(event.a, each(event.b)) into out/x having false;"});
  auto p = parse_query(file, "q", d, ok);
  REQUIRE_MESSAGE(ok, d.render());
  REQUIRE(p->selects.size() == 1);
  const auto& s = p->selects[0];
  CHECK(s.from_node == "in");
  CHECK(s.from_port == "p");
  CHECK(s.into_node == "out");
  CHECK(s.into_port == "x");
  CHECK(s.has_group);
  CHECK(s.group.k == select_stmt::group_def::kind::set);
  CHECK(s.group.items.size() == 2);
  CHECK(static_cast<bool>(s.having));
}

TEST_CASE("syntax errors recover at the next statement") {
  diagnostics d;
  bool ok = true;
  auto file = std::make_shared<source_file>(
    source_file{"q", "select from in into out;\nselect event from in into out;\nselect event in;\n"});
  auto p = parse_query(file, "q", d, ok);
  CHECK_FALSE(ok);
  CHECK(d.all().size() == 2);
  CHECK(p->selects.size() == 1);
}

TEST_CASE("the 0.12 default case spelling is accepted") {
  CHECK(expr_shape("match x of case 1 => 2 default => 3 end") == "?");
}

}
