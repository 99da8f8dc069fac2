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
    case expr_kind::binary: return "(" + shape(*e.items[0]) + " " + op_text(e.op) + " " + shape(*e.items[1]) + ")";
    case expr_kind::unary: return "(" + std::string(op_text(e.op)) + " " + shape(*e.items[0]) + ")";
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
  CHECK(d.render().find("Found the token `connector` but expected `flow`") != std::string::npos);
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

// The first error's message for a script.
std::string script_error(const std::string& src) {
  diagnostics d;
  bool ok = true;
  parse_text(src, parse_mode::script, ok, d);
  REQUIRE_FALSE(ok);
  REQUIRE_FALSE(d.all().empty());
  return d.all()[0].message;
}

TEST_CASE("a token that cannot follow an expression statement gets Tremor's list") {
  const std::string tail = "`)`, `*`, `+`, `,`, `-`, `.`, `.`, `/`, `:`, ";
  // After a bare name a call or a longer module path could follow.
  CHECK(script_error("a:::b()") == "Found the token `:::` but expected one of `!=`, `%`, `&`, "
                                   "`(`, " + tail + "`::`, `;`, `<`, `<<`, `<=`, `=`, `==`, `=>`, "
                                   "`>`, `>=`, `>>`, `>>>`, `[`, `]`, `^`, `and`, `case`, "
                                   "`default`, `end`, `of`, `or`, `when`, `xor`, `}`");
  // After a field neither can.
  CHECK(script_error("a.b let") ==
        "Found the token `let` but expected one of `!=`, `%`, `&`, " + tail +
        "`;`, `<`, `<<`, `<=`, `=`, `==`, `=>`, `>`, `>=`, `>>`, `>>>`, `[`, `]`, `^`, `and`, "
        "`case`, `default`, `end`, `of`, `or`, `when`, `xor`, `}`");
}

TEST_CASE("a statement on the next line without a semicolon before it is pointed out") {
  diagnostics d;
  bool ok = true;
  parse_text("let a = 1\nlet b = 2;\na + b\n", parse_mode::script, ok, d);
  REQUIRE_FALSE(ok);
  CHECK(d.all()[0].span.begin.line == 2);
  CHECK(d.all()[0].hint == "is a `;` missing at the end of line 1?");
}

TEST_CASE("a `>` that ends the input is rejected where it stands, as Tremor's lexer does") {
  diagnostics d;
  bool ok = true;
  parse_text("event >", parse_mode::script, ok, d);
  REQUIRE_FALSE(ok);
  CHECK(d.all()[0].message.rfind("Found the token `>` but expected one of `!=`, `%`, `&`, `)`", 0) == 0);
  CHECK(d.all()[0].span.begin.column == 7);
  // Followed by anything, it is the operator and the operand is missing.
  CHECK(script_error("event >\n").rfind("Found end of file but expected one of `!`", 0) == 0);
}

TEST_CASE("a query's use lists the tokens Tremor's query grammar accepts after a module path") {
  diagnostics d;
  bool ok = true;
  auto file = std::make_shared<source_file>(source_file{"q", "use foo :: bar use;\n"});
  parse_query(file, "q", d, ok);
  REQUIRE_FALSE(ok);
  CHECK(d.all()[0].message ==
        "Found the token `use` but expected one of `,`, `::`, `;`, `]`, `as`, `end`, `with`");
  CHECK(script_error("use foo :: bar use;\n1") ==
        "Found the token `use` but expected one of `::`, `;`, `as`");
}

TEST_CASE("the 0.12 default case spelling is accepted") {
  CHECK(expr_shape("match x of case 1 => 2 default => 3 end") == "?");
}

}

#include <random>

#include "dsl/deployment.hpp"
#include "dsl/pipeline_runner.hpp"
#include "dsl/standalone.hpp"

TEST_SUITE("dsl.parser") {

TEST_CASE("mutated sources never crash the loader") {
  const char* seeds[] = {
    R"(define flow main
flow
  use integration;
  define pipeline p into out, exit args d = 0 pipeline
    select {"a": event.a + 1, "b": [1, 2.5, "s#{event}"]} from in where event.x == true into out;
    select event from in group by each(event.tags) into exit having present event.k;
  end;
  create connector r from integration::read_file with file = "x" end;
  create pipeline p with d = 1 end;
  connect /connector/r to /pipeline/p/in;
end;
deploy flow main;)",
    R"(define script s
state {"n": 0}
script
  match event of
    case r = %{ a ~= dissect|%{x} %{y}|, present b } when r.a.x == "1" => emit r => "side"
    case %[ %{ k == 1 } ] => drop
    case %( 1, _, ... ) => patch event of insert "a" => 1; merge => {"b": null} end
    default => for event of case (k, v) => v into 0 use + end
  end
end;
create script s;
select event from in into s;
select event from s into out;)",
    R"(fn f(a, b) of case (1, b) => b case _ => recur(a - 1, b * 2) end;
const C = f(3, 1);
let x = <<1:8, 2:16/big-unsigned-integer>>;
"""
heredoc #{C}
""" + "x")",
  };
  std::mt19937_64 g(7);
  const std::string alphabet = "(){}[]<>%~|#\"'`$.,;:=+-*/!^&_ \n0123456789abcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < 3000; ++i) {
    std::string src = seeds[i % 3];
    int edits = 1 + static_cast<int>(g() % 6);
    for (int e = 0; e < edits && !src.empty(); ++e) {
      size_t pos = g() % src.size();
      switch (g() % 4) {
        case 0: src.erase(pos, 1 + g() % 8); break;
        case 1: src.insert(pos, 1, alphabet[g() % alphabet.size()]); break;
        case 2: src[pos] = alphabet[g() % alphabet.size()]; break;
        default: {
          size_t from = g() % src.size();
          src.insert(pos, src.substr(from, g() % 20));
        }
      }
    }
    diagnostics d;
    if (i % 3 == 0) {
      deployment dep;
      load_troy_source("fuzz.troy", src, {}, dep, d);
    } else if (i % 3 == 1) {
      auto prog = load_query_source("fuzz.trickle", src, {}, d);
      if (prog) {
        auto r = make_pipeline_runner(*prog);
        pipeline_output out;
        temblor::event ev;
        ev.payload = temblor::value(temblor::record{{"a", temblor::value(1)}});
        r->process("in", std::move(ev), out);
      }
    } else {
      load_script_source("fuzz.tremor", src, {}, d);
    }
    for (const auto& diag : d.all())
      CHECK_FALSE(render(diag).empty());
  }
}

}
