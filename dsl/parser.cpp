#include "dsl/parser.hpp"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "dsl/lexer.hpp"

namespace temblor::dsl {

namespace {

// Thrown after a syntax error was reported; caught by the statement loops,
// which skip to the next `;`. Never leaves the parser.
struct parse_failure {};

// The binary operator `t` spells, or op_code::none.
op_code binary_op_of(const token& t) {
  if (t.kind == tok::keyword) {
    if (t.text == "or")
      return op_code::or_;
    if (t.text == "xor")
      return op_code::xor_;
    if (t.text == "and")
      return op_code::and_;
    return op_code::none;
  }
  if (t.kind != tok::punct)
    return op_code::none;
  static const std::pair<const char*, op_code> puncts[] = {
    {"^", op_code::bit_xor}, {"&", op_code::bit_and}, {"==", op_code::eq},  {"!=", op_code::ne},
    {"<", op_code::lt},      {"<=", op_code::le},     {">", op_code::gt},   {">=", op_code::ge},
    {"<<", op_code::shl},    {">>", op_code::shr},    {">>>", op_code::ushr}, {"+", op_code::add},
    {"-", op_code::sub},     {"*", op_code::mul},     {"/", op_code::div},  {"%", op_code::mod},
  };
  for (const auto& [text, op] : puncts)
    if (t.text == text)
      return op;
  return op_code::none;
}

// Binding strength of a binary operator (higher binds tighter); 0 for none.
int binary_precedence(op_code op) {
  switch (op) {
    case op_code::or_: return 1;
    case op_code::xor_: return 2;
    case op_code::and_: return 3;
    case op_code::bit_xor: return 4;
    case op_code::bit_and: return 5;
    case op_code::eq:
    case op_code::ne: return 6;
    case op_code::lt:
    case op_code::le:
    case op_code::gt:
    case op_code::ge: return 7;
    case op_code::shl:
    case op_code::shr:
    case op_code::ushr: return 8;
    case op_code::add:
    case op_code::sub: return 9;
    case op_code::mul:
    case op_code::div:
    case op_code::mod: return 10;
    default: return 0;
  }
}

// The tokens Tremor's grammar lists where an expression must start: after an
// operator (`imut_expr_start`), as a script statement (`statement_start`),
// after `!`/`not` (`unary_operand_start`) and as a `let` target.
const char* const imut_expr_start =
  "one of `!`, `\"`, `$`, `(`, `+`, `-`, `<<`, `<ident>`, `[`, `absent`, `args`, `bool`, "
  "`event`, `float`, `for`, `group`, `\"\"\"`, `int`, `match`, `merge`, `nil`, `not`, `patch`, "
  "`present`, `recur`, `state`, `window`, `{`";
const char* const statement_start =
  "one of `!`, `\"`, `$`, `(`, `+`, `-`, `<<`, `<doc-comment>`, `<ident>`, `<mod-comment>`, `[`, "
  "`absent`, `args`, `bool`, `const`, `drop`, `emit`, `event`, `float`, `fn`, `for`, `group`, "
  "`\"\"\"`, `int`, `intrinsic`, `let`, `match`, `merge`, `nil`, `not`, `patch`, `present`, "
  "`recur`, `state`, `use`, `window`, `{`";
// What Tremor's grammar lists after a complete expression statement; after
// a bare name (`a`, `m::f`) a call `(` and a module path `::` may follow too.
// (Tremor's list has `.` twice: two grammar rules.)
std::string after_expression(bool after_name) {
  return std::string("one of `!=`, `%`, `&`, ") + (after_name ? "`(`, " : "") +
         "`)`, `*`, `+`, `,`, `-`, `.`, `.`, `/`, `:`, " + (after_name ? "`::`, " : "") +
         "`;`, `<`, `<<`, `<=`, `=`, `==`, `=>`, `>`, `>=`, `>>`, `>>>`, `[`, `]`, `^`, `and`, "
         "`case`, `default`, `end`, `of`, `or`, `when`, `xor`, `}`";
}
const char* const unary_operand_start =
  "one of `!`, `\"`, `$`, `(`, `<<`, `<ident>`, `[`, `absent`, `args`, `bool`, `event`, `float`, "
  "`group`, `\"\"\"`, `int`, `merge`, `nil`, `not`, `patch`, `present`, `recur`, `state`, "
  "`window`, `{`";
const char* const let_target_start =
  "one of `$`, `(`, `<ident>`, `[`, `args`, `event`, `group`, `state`, `window`, `{`";

class parser {
public:
  parser(std::shared_ptr<const source_file> file, std::vector<token> toks, diagnostics& diags)
    : file_(std::move(file)), toks_(std::move(toks)), diags_(diags) {}

  bool failed() const { return failed_; }

  // -- entry points ---------------------------------------------------------

  void parse_troy(module_ast& m) {
    parse_file_head(m.config);
    while (!at_eof()) {
      size_t start = pos_;
      guarded([&] {
        if (!accept_doc("`define` or `deploy`", {"define", "deploy"}))
          return;
        const token& t = peek();
        if (t.is_kw("define")) {
          expect_ahead_kw(1, "flow");
          m.items.flows.push_back(parse_define_flow());
        } else if (t.is_kw("deploy")) {
          m.deploys.push_back(parse_deploy());
        } else if (t.is_kw("use")) {
          parse_use(m.items.uses);
        } else {
          unexpected("`define`, `deploy` or `use`");
        }
        end_of_statement();
      });
      if (pos_ == start)
        advance();
    }
  }

  void parse_module(module_ast& m) {
    parse_file_head(m.config);
    while (!at_eof()) {
      size_t start = pos_;
      guarded([&] {
        if (!accept_doc("`define`, `const`, `fn` or `intrinsic`",
                        {"define", "const", "fn", "intrinsic"}))
          return;
        parse_module_stmt(m.items);
        end_of_statement();
      });
      if (pos_ == start)
        advance();
    }
  }

  void parse_script(module_ast& m) {
    skip_mod_comment();
    parse_top_exprs(m.items, m.body, /*stop_at_script=*/false);
    if (at_eof())
      return;
    std::string hint;
    if (pos_ > 0 && peek().span.begin.line > toks_[pos_ - 1].span.end.line)
      hint = "is a `;` missing at the end of line " + std::to_string(toks_[pos_ - 1].span.end.line) + "?";
    unexpected_nothrow(after_expression(ends_in_bare_name()), std::move(hint));
  }

  void parse_query_body(pipeline_def& p) {
    parse_file_head(p.config);
    while (!at_eof()) {
      size_t start = pos_;
      guarded([&] {
        if (!accept_doc(pipeline_doc_targets, {"define", "const", "fn"}))
          return;
        parse_pipeline_stmt(p);
        end_of_statement();
      });
      if (pos_ == start)
        advance();
    }
  }

private:
  // -- token helpers --------------------------------------------------------

  const token& peek(size_t n = 0) const {
    size_t i = pos_ + n;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  bool at_eof() const { return peek().kind == tok::eof; }
  const token& advance() {
    const token& t = peek();
    if (pos_ + 1 < toks_.size())
      ++pos_;
    return t;
  }
  bool accept_punct(const char* p) {
    if (peek().is_punct(p)) {
      advance();
      return true;
    }
    return false;
  }
  bool accept_kw(const char* k) {
    if (peek().is_kw(k)) {
      advance();
      return true;
    }
    return false;
  }
  const token& expect_punct(const char* p) {
    if (!peek().is_punct(p))
      unexpected(std::string("`") + p + "`");
    return advance();
  }
  const token& expect_kw(const char* k) {
    if (!peek().is_kw(k))
      unexpected(std::string("`") + k + "`");
    return advance();
  }
  void expect_ahead_kw(size_t n, const char* k) {
    if (!peek(n).is_kw(k)) {
      pos_ += n;
      unexpected(std::string("`") + k + "`");
    }
  }
  std::string expect_ident(const char* what = "`<ident>`") {
    if (peek().kind != tok::ident)
      unexpected(what);
    return advance().text;
  }
  // Function names and names after `::` may be keywords (`record::select`).
  std::string expect_name_or_keyword(const char* what) {
    if (peek().kind != tok::ident && peek().kind != tok::keyword)
      unexpected(what);
    return advance().text;
  }
  // Port and node names may be plain words that happen to be keywords in
  // other positions only if backticked; `in`/`out`/`err` are identifiers.
  std::string expect_name() { return expect_ident(); }

  source_span span_from(const source_span& b) const {
    const token& last = toks_[pos_ > 0 ? pos_ - 1 : 0];
    return source_span{b.begin, last.span.end, file_};
  }

  // Fails where an expression should start, with the list Tremor gives there.
  [[noreturn]] void expected_expression() {
    if (pos_ == statement_pos_)
      unexpected(statement_start);
    if (pos_ > 0 && (toks_[pos_ - 1].is_punct("!") || toks_[pos_ - 1].is_kw("not")))
      unexpected(unary_operand_start);
    unexpected(imut_expr_start);
  }

  // True when the token before the current one is a name that a call or a
  // longer module path could continue (not a field after `.`).
  bool ends_in_bare_name() const {
    if (pos_ == 0 || toks_[pos_ - 1].kind != tok::ident)
      return false;
    return pos_ < 2 || !toks_[pos_ - 2].is_punct(".");
  }

  // Advice for the commonest slips (the keyword one in Tremor's words), or nothing.
  static std::string hint_for(const token& t, const std::string& expected) {
    if (t.kind == tok::doc_comment || expected.find("`##`") != std::string::npos)
      return "a `##` doc comment may only stand directly before `define`, `deploy`, `const`, "
             "`fn` or `intrinsic`; use a single `#` for a plain comment";
    if (t.kind == tok::mod_comment)
      return "a `###` module comment may only stand at the start of a file; use a single `#` "
             "for a plain comment";
    if (t.is_punct("="))
      return "`==` compares; `=` only assigns, in `let`";
    if (t.kind == tok::keyword && expected.find("`<ident>`") != std::string::npos &&
        !t.is_kw("end") && !t.is_kw("case") && !t.is_kw("default") && !t.is_kw("of") &&
        !t.is_kw("when") && !t.is_kw("into"))
      return "It looks like you tried to use the '" + t.text + "' as a ident, consider quoting it "
             "as `" + t.text + "` to make it an identifier.";
    return {};
  }

  [[noreturn]] void unexpected(const std::string& expected) {
    unexpected_nothrow(expected);
    throw parse_failure{};
  }
  void unexpected_nothrow(const std::string& expected, std::string hint = {}) {
    const token& t = peek();
    // Tremor's wording: "Found the token `end` but expected …".
    std::string found = t.kind == tok::eof ? std::string("end of file") : "the token " + describe(t);
    if (hint.empty())
      hint = hint_for(t, expected);
    report(t.span, "Found " + found + " but expected " + expected, std::move(hint));
  }
  [[noreturn]] void fail(const source_span& s, std::string msg, std::string hint = {}) {
    report(s, std::move(msg), std::move(hint));
    throw parse_failure{};
  }
  void report(const source_span& s, std::string msg, std::string hint = {}) {
    failed_ = true;
    if (suppress_)
      return;
    diags_.error(s, std::move(msg), std::move(hint));
    suppress_ = true;
  }

  template <class F>
  void guarded(F&& f) {
    try {
      f();
      suppress_ = false;
    } catch (const parse_failure&) {
      recover();
    }
  }
  // Skips to just after the next `;` so the next statement can be parsed.
  void recover() {
    while (!at_eof() && !peek().is_punct(";"))
      advance();
    accept_punct(";");
  }
  void end_of_statement() {
    if (at_eof())
      return;
    expect_punct(";");
  }

  // Parses `item` until `close` (consumed), the items separated by commas;
  // a trailing comma is fine.
  template <class F>
  void comma_list_until(const char* close, F&& item) {
    while (!peek().is_punct(close)) {
      item();
      if (!accept_punct(","))
        break;
    }
    expect_punct(close);
  }

  // Doc (`##`) and module (`###`) comments are tokens the grammar accepts
  // only in a few places, as Tremor's does: module comment lines at the
  // start of a file, doc comment lines directly before the statements that
  // can be documented. Anywhere else they are syntax errors.

  // A file starts with `#!config` directives (troy, trickle and modules),
  // then an optional block of module comment lines.
  void parse_file_head(std::vector<with_entry>& config) {
    while (peek().kind == tok::config) {
      guarded([&] { config.push_back(parse_config_directive()); });
      accept_punct(";");
    }
    skip_mod_comment();
  }
  void skip_mod_comment() {
    while (peek().kind == tok::mod_comment)
      advance();
  }
  // Skips `##` lines; when there were some, the statement that follows must
  // start with one of `keywords` (described by `what`). Returns false when
  // the block ends right after the comment (at `end` or the end of the
  // file): that is reported, and the caller stops there without skipping
  // the `end`.
  bool accept_doc(const char* what, std::initializer_list<const char*> keywords) {
    if (peek().kind != tok::doc_comment)
      return true;
    while (peek().kind == tok::doc_comment)
      advance();
    for (const char* k : keywords)
      if (peek().is_kw(k))
        return true;
    std::string expected = std::string(what) + " after a `##` doc comment";
    if (peek().is_kw("end") || at_eof()) {
      unexpected_nothrow(expected);
      return false;
    }
    unexpected(expected);
  }
  static constexpr const char* pipeline_doc_targets = "`define`, `const` or `fn`";

  struct depth_guard {
    parser& p;
    explicit depth_guard(parser& pp, const source_span& s) : p(pp) {
      if (++p.depth_ > max_nesting) {
        p.report(s, "The expression is nested too deeply (more than " +
                        std::to_string(max_nesting) + " levels)");
        throw parse_failure{};
      }
    }
    ~depth_guard() { --p.depth_; }
  };

  // -- troy -----------------------------------------------------------------

  with_entry parse_config_directive() {
    const token& t = advance(); // #!config
    with_entry w;
    w.span = t.span;
    // `#!config from = "a,b"` and `into` name pipeline ports with keywords.
    if (peek().is_kw("from") || peek().is_kw("into"))
      w.name = advance().text;
    else
      w.name = expect_ident();
    expect_punct("=");
    w.val = parse_expr();
    w.span = span_from(w.span);
    return w;
  }

  std::vector<arg_decl> parse_args_clause() {
    std::vector<arg_decl> out;
    expect_kw("args");
    while (true) {
      arg_decl a;
      a.span = peek().span;
      a.name = expect_ident();
      if (accept_punct("="))
        a.default_value = parse_expr();
      a.span = span_from(a.span);
      out.push_back(std::move(a));
      if (!accept_punct(","))
        break;
      if (peek().kind != tok::ident)
        break;
    }
    return out;
  }

  std::vector<with_entry> parse_with_end() {
    std::vector<with_entry> out;
    expect_kw("with");
    while (!peek().is_kw("end")) {
      with_entry w;
      w.span = peek().span;
      w.name = expect_ident();
      expect_punct("=");
      w.val = parse_expr();
      w.span = span_from(w.span);
      out.push_back(std::move(w));
      if (!accept_punct(","))
        break;
    }
    expect_kw("end");
    return out;
  }

  mod_target parse_mod_target() {
    mod_target t;
    t.span = peek().span;
    std::string first = expect_ident();
    std::vector<std::string> parts{first};
    while (accept_punct("::"))
      parts.push_back(expect_name_or_keyword("a name"));
    t.name = parts.back();
    parts.pop_back();
    t.path = std::move(parts);
    t.span = span_from(t.span);
    return t;
  }

  std::shared_ptr<flow_def> parse_define_flow() {
    auto f = std::make_shared<flow_def>();
    f->span = advance().span; // define
    expect_kw("flow");
    f->name = expect_ident();
    if (peek().is_kw("args"))
      f->args = parse_args_clause();
    expect_kw("flow");
    while (!peek().is_kw("end")) {
      if (at_eof())
        unexpected("`end`");
      size_t start = pos_;
      guarded([&] {
        if (!accept_doc("`define`", {"define"}))
          return;
        const token& t = peek();
        if (t.is_kw("define")) {
          if (peek(1).is_kw("connector"))
            f->items.connectors.push_back(parse_define_connector());
          else if (peek(1).is_kw("pipeline"))
            f->items.pipelines.push_back(parse_define_pipeline());
          else {
            advance();
            unexpected("`connector` or `pipeline`");
          }
        } else if (t.is_kw("create")) {
          f->creates.push_back(parse_create());
        } else if (t.is_kw("connect")) {
          f->connects.push_back(parse_connect());
        } else if (t.is_kw("use")) {
          parse_use(f->items.uses);
        } else {
          unexpected("`define`, `create`, `connect`, `use` or `end`");
        }
        if (!peek().is_kw("end") && !accept_punct(";"))
          unexpected("`;` or `end`");
      });
      if (pos_ == start)
        advance();
    }
    expect_kw("end");
    f->span = span_from(f->span);
    return f;
  }

  std::shared_ptr<connector_def> parse_define_connector() {
    auto c = std::make_shared<connector_def>();
    c->span = advance().span; // define
    expect_kw("connector");
    c->name = expect_ident();
    expect_kw("from");
    c->type_span = peek().span;
    c->type = expect_ident();
    if (peek().is_kw("args")) {
      c->args = parse_args_clause();
      if (!peek().is_kw("with"))
        unexpected("`with`");
    }
    if (peek().is_kw("with"))
      c->with = parse_with_end();
    c->span = span_from(c->span);
    return c;
  }

  create_stmt parse_create() {
    create_stmt c;
    c.span = advance().span; // create
    const token& what = peek();
    if (what.is_kw("connector") || what.is_kw("pipeline") || what.is_kw("operator") ||
        what.is_kw("script") || what.is_kw("stream")) {
      c.what = advance().text;
    } else {
      unexpected("`connector`, `pipeline`, `operator`, `script` or `stream`");
    }
    c.alias = expect_ident();
    if (c.what != "stream") {
      if (accept_kw("from")) {
        c.has_from = true;
        c.from = parse_mod_target();
      }
      if (peek().is_kw("with"))
        c.with = parse_with_end();
    }
    if (!c.has_from) {
      c.from.name = c.alias;
      c.from.span = c.span;
    }
    c.span = span_from(c.span);
    return c;
  }

  connect_end parse_endpoint() {
    connect_end e;
    e.span = expect_punct("/").span;
    const token& t = peek();
    if (t.is_kw("connector") || t.is_kw("pipeline"))
      e.what = advance().text;
    else
      unexpected("`connector` or `pipeline`");
    expect_punct("/");
    e.alias = expect_ident();
    if (accept_punct("/"))
      e.port = expect_ident();
    e.span = span_from(e.span);
    return e;
  }

  connect_stmt parse_connect() {
    connect_stmt c;
    c.span = advance().span; // connect
    c.from = parse_endpoint();
    expect_kw("to");
    c.to = parse_endpoint();
    c.span = span_from(c.span);
    return c;
  }

  deploy_stmt parse_deploy() {
    deploy_stmt d;
    d.span = advance().span; // deploy
    expect_kw("flow");
    d.alias = expect_ident();
    if (accept_kw("from")) {
      d.has_from = true;
      d.from = parse_mod_target();
    } else {
      d.from.name = d.alias;
      d.from.span = d.span;
    }
    if (peek().is_kw("with"))
      d.with = parse_with_end();
    d.span = span_from(d.span);
    return d;
  }

  // What Tremor lists after a module path in `use`: in a script, and in a
  // query, whose grammar shares that state with the other module paths.
  static constexpr const char* script_use_followers = "one of `::`, `;`, `as`";
  static constexpr const char* query_use_followers =
    "one of `,`, `::`, `;`, `]`, `as`, `end`, `with`";

  void parse_use_target(std::vector<std::string> prefix, std::vector<use_stmt>& out,
                        const source_span& start, const char* followers) {
    prefix.push_back(expect_ident());
    while (accept_punct("::")) {
      if (accept_punct("{")) {
        while (true) {
          parse_use_target(prefix, out, start, followers);
          if (!accept_punct(","))
            break;
          if (peek().is_punct("}"))
            break;
        }
        expect_punct("}");
        return;
      }
      prefix.push_back(expect_ident());
    }
    use_stmt u;
    u.path = prefix;
    u.alias = prefix.back();
    if (accept_kw("as"))
      u.alias = expect_ident();
    else if (!peek().is_punct(";") && !peek().is_punct(",") && !peek().is_punct("}") &&
             !peek().is_kw("end") && !at_eof())
      unexpected(followers);
    u.span = span_from(start);
    out.push_back(std::move(u));
  }

  void parse_use(std::vector<use_stmt>& out, const char* followers = script_use_followers) {
    source_span s = advance().span; // use
    parse_use_target({}, out, s, followers);
  }

  // -- modules ----------------------------------------------------------------

  void parse_module_stmt(scope_items& items) {
    const token& t = peek();
    if (t.is_kw("use")) {
      parse_use(items.uses);
    } else if (t.is_kw("const")) {
      items.consts.push_back(parse_const());
    } else if (t.is_kw("fn")) {
      items.fns.push_back(parse_fn());
    } else if (t.is_kw("intrinsic")) {
      items.fns.push_back(parse_intrinsic());
    } else if (t.is_kw("define")) {
      const token& w = peek(1);
      if (w.is_kw("connector"))
        items.connectors.push_back(parse_define_connector());
      else if (w.is_kw("pipeline"))
        items.pipelines.push_back(parse_define_pipeline());
      else if (w.is_kw("flow"))
        items.flows.push_back(parse_define_flow());
      else if (w.is_kw("script"))
        items.scripts.push_back(parse_define_script());
      else if (w.is_kw("operator"))
        items.operators.push_back(parse_define_operator());
      else if (w.is_kw("window") || w.is_kw("tumbling") || w.is_kw("sliding"))
        items.windows.push_back(parse_define_window());
      else {
        advance();
        unexpected("`connector`, `pipeline`, `flow`, `script`, `operator` or `window`");
      }
    } else {
      unexpected("`use`, `const`, `fn`, `intrinsic` or `define`");
    }
  }

  const_def parse_const() {
    const_def c;
    c.span = advance().span; // const
    c.name = expect_ident();
    expect_punct("=");
    c.init = parse_complex();
    c.span = span_from(c.span);
    return c;
  }

  void parse_params(fn_def& f) {
    expect_punct("(");
    if (!peek().is_punct(")")) {
      while (true) {
        if (accept_punct("...")) {
          f.varargs = true;
          break;
        }
        f.params.push_back(expect_ident());
        if (!accept_punct(","))
          break;
      }
    }
    expect_punct(")");
  }

  std::shared_ptr<fn_def> parse_fn() {
    auto f = std::make_shared<fn_def>();
    f->span = advance().span; // fn
    f->name = expect_name_or_keyword("a function name");
    parse_params(*f);
    if (accept_kw("with")) {
      parse_block(f->body);
      expect_kw("end");
    } else if (accept_kw("of")) {
      f->has_cases = true;
      while (accept_kw("case") || peek().is_kw("default")) {
        match_case mc;
        mc.span = toks_[pos_ - 1].span;
        if (accept_kw("default")) {
          mc.pat = std::make_unique<pattern>();
          mc.pat->k = pattern::kind::wildcard;
        } else if (peek().is_punct("(")) {
          // `case (a, b)` matches the argument tuple.
          auto tp = std::make_unique<pattern>();
          tp->k = pattern::kind::tuple;
          tp->span = advance().span;
          comma_list_until(")", [&] { tp->elems.push_back(parse_elem_pattern()); });
          mc.pat = std::move(tp);
        } else {
          mc.pat = parse_case_pattern();
        }
        if (accept_kw("when"))
          mc.guard = parse_expr();
        expect_punct("=>");
        parse_block(mc.body);
        f->cases.push_back(std::move(mc));
      }
      expect_kw("end");
    } else {
      unexpected("`with` or `of`");
    }
    f->span = span_from(f->span);
    return f;
  }

  std::shared_ptr<fn_def> parse_intrinsic() {
    auto f = std::make_shared<fn_def>();
    f->span = advance().span; // intrinsic
    expect_kw("fn");
    f->name = expect_name_or_keyword("a function name");
    parse_params(*f);
    expect_kw("as");
    mod_target t = parse_mod_target();
    f->is_intrinsic = true;
    for (auto& p : t.path)
      f->native_name += p + "::";
    f->native_name += t.name;
    f->span = span_from(f->span);
    return f;
  }

  std::shared_ptr<script_def> parse_define_script() {
    auto s = std::make_shared<script_def>();
    s->span = advance().span; // define
    expect_kw("script");
    s->name = expect_ident();
    if (peek().is_kw("args"))
      s->args = parse_args_clause();
    if (accept_kw("state"))
      s->state = parse_complex();
    bool seen = false;
    while (accept_kw("script")) {
      seen = true;
      parse_script_body(*s);
    }
    if (!seen)
      unexpected("`script`");
    expect_kw("end");
    s->span = span_from(s->span);
    return s;
  }

  // After `script`: `[from port] TopExprs`, added to `s` as that port's body.
  void parse_script_body(script_def& s) {
    std::string port = "in";
    if (accept_kw("from"))
      port = expect_ident("a port name");
    std::vector<expr_ptr> body;
    scope_items items;
    parse_top_exprs(items, body, /*stop_at_script=*/true);
    for (auto& c : items.consts)
      s.consts.push_back(std::move(c));
    for (auto& f : items.fns)
      s.fns.push_back(std::move(f));
    for (auto& u : items.uses)
      s.uses.push_back(std::move(u));
    s.bodies.emplace_back(port, std::move(body));
  }

  std::shared_ptr<operator_def> parse_define_operator() {
    auto o = std::make_shared<operator_def>();
    o->span = advance().span; // define
    expect_kw("operator");
    o->name = expect_ident();
    expect_kw("from");
    o->op_span = peek().span;
    o->op_module = expect_ident();
    expect_punct("::");
    o->op_name = expect_ident();
    o->op_span = span_from(o->op_span);
    if (peek().is_kw("args"))
      o->args = parse_args_clause();
    if (peek().is_kw("with"))
      o->with = parse_with_end();
    o->span = span_from(o->span);
    return o;
  }

  std::shared_ptr<window_def> parse_define_window() {
    auto w = std::make_shared<window_def>();
    w->span = advance().span; // define
    if (peek().is_kw("tumbling") || peek().is_kw("sliding")) {
      // The pre-0.12 spelling: `define tumbling window w with … end`.
      w->kind = advance().text;
      expect_kw("window");
      w->name = expect_ident();
    } else {
      expect_kw("window");
      w->name = expect_ident();
      expect_kw("from");
      if (peek().is_kw("tumbling") || peek().is_kw("sliding"))
        w->kind = advance().text;
      else
        unexpected("`tumbling` or `sliding`");
    }
    if (accept_kw("with")) {
      while (peek().kind == tok::ident) {
        with_entry e;
        e.span = peek().span;
        e.name = advance().text;
        expect_punct("=");
        e.val = parse_expr();
        e.span = span_from(e.span);
        w->with.push_back(std::move(e));
        if (!accept_punct(","))
          break;
      }
    }
    // A window's `state` and `script` bodies form a script of their own:
    // `script` (port `in`) runs per event, `script from tick` per tick.
    if (peek().is_kw("state") || peek().is_kw("script")) {
      w->script = std::make_shared<script_def>();
      w->script->name = w->name;
      w->script->span = peek().span;
      if (accept_kw("state"))
        w->script->state = parse_complex();
      while (accept_kw("script"))
        parse_script_body(*w->script);
      w->script->span = span_from(w->script->span);
    }
    expect_kw("end");
    w->span = span_from(w->span);
    return w;
  }

  std::vector<std::string> parse_ports() {
    std::vector<std::string> out;
    out.push_back(expect_ident());
    while (accept_punct(","))
      out.push_back(expect_ident());
    return out;
  }

  std::shared_ptr<pipeline_def> parse_define_pipeline() {
    auto p = std::make_shared<pipeline_def>();
    p->span = advance().span; // define
    expect_kw("pipeline");
    p->name = expect_ident();
    if (accept_kw("from"))
      p->from_ports = parse_ports();
    if (accept_kw("into"))
      p->into_ports = parse_ports();
    if (peek().is_kw("args"))
      p->args = parse_args_clause();
    expect_kw("pipeline");
    while (peek().kind == tok::config) {
      p->config.push_back(parse_config_directive());
      accept_punct(";");
    }
    while (!peek().is_kw("end")) {
      if (at_eof())
        unexpected("`end`");
      size_t start = pos_;
      try {
        if (accept_doc(pipeline_doc_targets, {"define", "const", "fn"})) {
          parse_pipeline_stmt(*p);
          if (!peek().is_kw("end") && !accept_punct(";"))
            unexpected("`;` or `end`");
        }
        suppress_ = false;
      } catch (const parse_failure&) {
        // Stray words where a statement should start: the pipeline's own
        // `end` may follow them without a `;`, so stop before it.
        if (pos_ == start) {
          while (!at_eof() && !peek().is_punct(";") && !peek().is_kw("end"))
            advance();
          accept_punct(";");
        } else {
          recover();
        }
      }
      if (pos_ == start)
        advance();
    }
    expect_kw("end");
    p->span = span_from(p->span);
    check_streams_against_ports(*p);
    return p;
  }

  // Tremor rejects this at definition, so also in pipelines never created.
  void check_streams_against_ports(const pipeline_def& p) {
    auto ports = p.from_ports.empty() ? std::vector<std::string>{"in"} : p.from_ports;
    if (p.into_ports.empty()) {
      ports.push_back("out");
      ports.push_back("err");
    } else {
      ports.insert(ports.end(), p.into_ports.begin(), p.into_ports.end());
    }
    for (const auto& c : p.creates)
      if (c.what == "stream" && std::find(ports.begin(), ports.end(), c.alias) != ports.end())
        report(c.span, "Streams cannot share names with from/into ports");
  }

  void parse_pipeline_stmt(pipeline_def& p) {
    const token& t = peek();
    if (t.is_kw("select")) {
      p.selects.push_back(parse_select());
    } else if (t.is_kw("create")) {
      p.creates.push_back(parse_create());
    } else if (t.is_kw("use")) {
      parse_use(p.items.uses, query_use_followers);
    } else if (t.is_kw("define")) {
      const token& w = peek(1);
      if (w.is_kw("script"))
        p.items.scripts.push_back(parse_define_script());
      else if (w.is_kw("operator"))
        p.items.operators.push_back(parse_define_operator());
      else if (w.is_kw("window") || w.is_kw("tumbling") || w.is_kw("sliding"))
        p.items.windows.push_back(parse_define_window());
      else if (w.is_kw("pipeline"))
        p.items.pipelines.push_back(parse_define_pipeline());
      else {
        advance();
        unexpected("`script`, `operator`, `window` or `pipeline`");
      }
    } else if (t.is_kw("const")) {
      p.items.consts.push_back(parse_const());
    } else if (t.is_kw("fn")) {
      p.items.fns.push_back(parse_fn());
    } else if (t.kind == tok::config) {
      p.config.push_back(parse_config_directive());
    } else {
      unexpected("one of `#!config`, `<doc-comment>`, `create`, `define`, `select`, `use`");
    }
  }

  void parse_node_ref(std::string& node, std::string& port) {
    node = expect_name();
    if (accept_punct("/"))
      port = expect_name();
  }

  select_stmt::group_def parse_group_def() {
    select_stmt::group_def g;
    if (accept_kw("set")) {
      g.k = select_stmt::group_def::kind::set;
      expect_punct("(");
      while (true) {
        g.items.push_back(parse_group_def());
        if (!accept_punct(","))
          break;
      }
      expect_punct(")");
    } else if (accept_kw("each")) {
      g.k = select_stmt::group_def::kind::each;
      expect_punct("(");
      g.e = parse_expr();
      expect_punct(")");
    } else {
      g.e = parse_expr();
    }
    return g;
  }

  select_stmt parse_select() {
    select_stmt s;
    s.span = advance().span; // select
    s.target = parse_expr();
    expect_kw("from");
    parse_node_ref(s.from_node, s.from_port);
    if (accept_punct("[")) {
      while (true) {
        // A window may live in a module: `in[mod::win]`.
        std::string name = expect_ident();
        while (accept_punct("::"))
          name += "::" + expect_ident();
        s.windows.push_back(std::move(name));
        if (!accept_punct(","))
          break;
      }
      expect_punct("]");
    }
    const char* next = s.windows.empty() ? "`[`, `where`, `group` or `into`" : "`where`, `group` or `into`";
    if (accept_kw("where")) {
      s.where = parse_expr();
      next = "an operator, `group` or `into`";
    }
    if (accept_kw("group")) {
      expect_kw("by");
      s.has_group = true;
      s.group = parse_group_def();
      next = "an operator or `into`";
    }
    if (!peek().is_kw("into"))
      unexpected(next);
    advance();
    parse_node_ref(s.into_node, s.into_port);
    if (accept_kw("having"))
      s.having = parse_expr();
    s.span = span_from(s.span);
    return s;
  }

  // -- scripts ----------------------------------------------------------------

  // TopExprs: expressions, consts, fns, intrinsics and uses separated by `;`,
  // ending at `end`, `script` (when inside define script) or eof.
  void parse_top_exprs(scope_items& items, std::vector<expr_ptr>& body, bool stop_at_script) {
    bool const_last = false;
    while (true) {
      if (!accept_doc("`const`, `fn` or `intrinsic`", {"const", "fn", "intrinsic"}))
        break;
      const token& t = peek();
      if (t.kind == tok::eof || t.is_kw("end") || (stop_at_script && t.is_kw("script")))
        break;
      const_last = t.is_kw("const");
      statement_pos_ = pos_;
      if (t.is_kw("const"))
        items.consts.push_back(parse_const());
      else if (t.is_kw("fn"))
        items.fns.push_back(parse_fn());
      else if (t.is_kw("intrinsic"))
        items.fns.push_back(parse_intrinsic());
      else if (t.is_kw("use"))
        parse_use(items.uses);
      else
        body.push_back(parse_complex());
      if (!accept_punct(";"))
        break;
    }
    if (body.empty() && items.fns.empty() && items.consts.empty())
      expected_expression();
    // A `const` is a statement worth its value: a script ending in one
    // yields it.
    if (const_last) {
      const const_def& c = items.consts.back();
      auto ref = make_path(path_root::local, c.span);
      ref->root_name = c.name;
      body.push_back(std::move(ref));
    }
  }

  // A block of expressions separated by `;` or `,`, ending before `case`,
  // `end`, `default` or `into`.
  void parse_block(std::vector<expr_ptr>& body) {
    while (true) {
      body.push_back(parse_complex());
      if (!(peek().is_punct(";") || peek().is_punct(",")))
        break;
      const token& n = peek(1);
      if (n.is_kw("case") || n.is_kw("end") || n.is_kw("default") || n.is_kw("into"))
        {
          advance();
          break;
        }
      advance();
    }
  }

  expr_ptr make(expr_kind k, const source_span& s) { return std::make_unique<expr>(k, s); }

  // ComplexExpr: let, emit, drop, match, for, patch, merge, or an ImutExpr.
  expr_ptr parse_complex() {
    depth_guard g(*this, peek().span);
    const token& t = peek();
    if (t.is_kw("let")) {
      auto e = make(expr_kind::let, advance().span);
      const token& n = peek();
      if (n.kind == tok::keyword && !n.is_kw("event") && !n.is_kw("state") && !n.is_kw("args") &&
          !n.is_kw("group") && !n.is_kw("window"))
        unexpected(let_target_start);
      auto target = parse_unary();
      // `let (expr)[…] = …` parses; like Tremor, running it fails
      // ("Can't assign to a constant expression").
      if (target->kind != expr_kind::path || target->root == path_root::constant)
        fail(target->span, "You are trying to assign to a value that isn't valid");
      expect_punct("=");
      e->items.push_back(std::move(target));
      e->items.push_back(parse_complex());
      e->span = span_from(e->span);
      return e;
    }
    if (t.is_kw("drop")) {
      return make(expr_kind::drop, advance().span);
    }
    if (t.is_kw("emit")) {
      auto e = make(expr_kind::emit, advance().span);
      const token& n = peek();
      bool no_value = n.kind == tok::eof || n.is_punct(";") || n.is_punct(",") ||
                      n.is_kw("end") || n.is_kw("case") || n.is_punct("=>") ||
                      n.is_kw("default") || n.is_kw("script");
      e->items.push_back(no_value ? nullptr : parse_complex());
      if (accept_punct("=>")) {
        const token& p = peek();
        if (p.kind != tok::string || p.parts.size() > 1 || (p.parts.size() == 1 && p.parts[0].is_expr))
          unexpected("a port name string");
        e->name = p.parts.empty() ? std::string() : p.parts[0].text;
        advance();
      }
      e->span = span_from(e->span);
      return e;
    }
    return parse_expr();
  }

  expr_ptr parse_expr() {
    depth_guard g(*this, peek().span);
    return parse_binary(1);
  }

  expr_ptr parse_binary(int min_prec) {
    auto lhs = parse_unary();
    // Each chained operator deepens the (left-leaning) tree by one level;
    // count them against the nesting bound so evaluation stays shallow.
    int chained = 0;
    while (true) {
      const token& t = peek();
      op_code op = binary_op_of(t);
      int prec = binary_precedence(op);
      if (prec == 0 || prec < min_prec)
        return lhs;
      if (depth_ + ++chained > max_nesting)
        fail(t.span, "The expression is nested too deeply (more than " +
                       std::to_string(max_nesting) + " levels)");
      advance();
      auto rhs = parse_binary(prec + 1);
      auto e = make(expr_kind::binary, source_span{lhs->span.begin, rhs->span.end, file_});
      e->op = op;
      e->items.push_back(std::move(lhs));
      e->items.push_back(std::move(rhs));
      lhs = std::move(e);
    }
  }

  expr_ptr parse_unary() {
    depth_guard g(*this, peek().span);
    const token& t = peek();
    if (t.is_punct("-") || t.is_punct("+") || t.is_punct("!") || t.is_kw("not")) {
      auto e = make(expr_kind::unary, t.span);
      e->op = t.is_punct("-") ? op_code::negate : t.is_punct("+") ? op_code::identity : op_code::not_;
      advance();
      e->items.push_back(parse_unary());
      e->span = span_from(e->span);
      return e;
    }
    if (t.is_kw("present") || t.is_kw("absent")) {
      auto e = make(t.text == "present" ? expr_kind::present : expr_kind::absent, t.span);
      advance();
      auto p = parse_postfix();
      if (p->kind != expr_kind::path)
        fail(p->span, "Expected a path after `" + std::string(e->kind == expr_kind::present ? "present" : "absent") + "`");
      e->items.push_back(std::move(p));
      e->span = span_from(e->span);
      return e;
    }
    return parse_postfix();
  }

  // Reads `.x`, `[i]`, `[a:b]` segments onto `e`, turning it into a path.
  expr_ptr parse_segments(expr_ptr e) {
    while (true) {
      if (peek().is_punct(".")) {
        advance();
        const token& n = peek();
        if (n.kind != tok::ident && n.kind != tok::keyword)
          unexpected("a field name");
        segment s;
        s.k = segment::kind::field;
        s.name = n.text;
        s.span = n.span;
        advance();
        e = as_path(std::move(e));
        e->segments.push_back(std::move(s));
      } else if (peek().is_punct("[")) {
        advance();
        segment s;
        s.k = segment::kind::index;
        s.a = parse_complex();
        s.span = s.a->span;
        if (accept_punct(":")) {
          s.k = segment::kind::range;
          s.b = parse_complex();
          s.span.end = s.b->span.end;
        }
        expect_punct("]");
        e = as_path(std::move(e));
        e->segments.push_back(std::move(s));
      } else {
        break;
      }
      e->span = span_from(e->span);
    }
    return e;
  }

  expr_ptr as_path(expr_ptr e) {
    if (e->kind == expr_kind::path)
      return e;
    auto p = make(expr_kind::path, e->span);
    p->root = path_root::expr;
    p->items.push_back(std::move(e));
    return p;
  }

  expr_ptr parse_postfix() { return parse_segments(parse_primary()); }

  expr_ptr make_path(path_root r, const source_span& s) {
    auto p = make(expr_kind::path, s);
    p->root = r;
    return p;
  }

  std::vector<expr_ptr> parse_call_args() {
    std::vector<expr_ptr> args;
    expect_punct("(");
    if (!peek().is_punct(")")) {
      while (true) {
        args.push_back(parse_complex());
        if (!accept_punct(","))
          break;
      }
    }
    expect_punct(")");
    return args;
  }

  expr_ptr parse_string_token(const token& t) {
    auto e = make(expr_kind::string, t.span);
    bool all_text = true;
    for (auto& p : t.parts)
      if (p.is_expr)
        all_text = false;
    if (all_text) {
      std::string s;
      for (auto& p : t.parts)
        s += p.text;
      e->kind = expr_kind::literal;
      e->lit = value(std::move(s));
      return e;
    }
    for (auto& p : t.parts) {
      if (!p.is_expr) {
        e->texts.push_back(p.text);
        e->items.push_back(nullptr);
        continue;
      }
      std::vector<token> sub;
      diagnostics sub_diags;
      if (!lex(file_, p.begin, p.end_offset, sub, sub_diags)) {
        for (auto& d : sub_diags.all())
          report(d.span, d.message, d.hint);
        throw parse_failure{};
      }
      parser inner(file_, std::move(sub), diags_);
      inner.depth_ = depth_;
      expr_ptr x;
      try {
        x = inner.parse_complex();
        if (!inner.at_eof())
          inner.unexpected("`}`");
      } catch (const parse_failure&) {
        failed_ = true;
        throw;
      }
      e->texts.emplace_back();
      e->items.push_back(std::move(x));
    }
    return e;
  }

  expr_ptr parse_primary() {
    const token& t = peek();
    switch (t.kind) {
      case tok::integer: {
        auto e = make(expr_kind::literal, t.span);
        e->lit = value(static_cast<unsigned long long>(t.u));
        advance();
        return e;
      }
      case tok::floating: {
        auto e = make(expr_kind::literal, t.span);
        e->lit = value(t.f);
        advance();
        return e;
      }
      case tok::string: {
        const token& s = advance();
        return parse_string_token(s);
      }
      case tok::ident: return parse_ident_expr();
      case tok::keyword: return parse_keyword_expr();
      case tok::punct: break;
      default: expected_expression();
    }
    if (t.is_punct("(")) {
      source_span b = advance().span;
      auto inner = parse_complex();
      expect_punct(")");
      auto e = make(expr_kind::path, span_from(b));
      e->root = path_root::expr;
      e->items.push_back(std::move(inner));
      // A bare parenthesised expression stays a path with no segments; the
      // evaluator treats it as the inner value.
      return e;
    }
    if (t.is_punct("{"))
      return parse_record();
    if (t.is_punct("["))
      return parse_array();
    if (t.is_punct("$")) {
      auto e = make_path(path_root::meta, advance().span);
      if (peek().kind == tok::ident || peek().kind == tok::keyword) {
        // `$name` directly: only when adjacent.
        const token& n = peek();
        if (n.span.begin.offset == e->span.end.offset) {
          segment s;
          s.name = n.text;
          s.span = n.span;
          advance();
          e->segments.push_back(std::move(s));
          e->span = span_from(e->span);
        }
      }
      return e;
    }
    if (t.is_punct("<<"))
      return parse_bytes();
    expected_expression();
  }

  expr_ptr parse_ident_expr() {
    const token& t = advance();
    source_span b = t.span;
    std::vector<std::string> parts{t.text};
    while (peek().is_punct("::")) {
      advance();
      parts.push_back(expect_name_or_keyword("a name"));
    }
    std::string full;
    for (size_t i = 0; i < parts.size(); ++i)
      full += (i ? "::" : "") + parts[i];
    if (peek().is_punct("(")) {
      auto e = make(expr_kind::call, b);
      e->name = full;
      e->items = parse_call_args();
      e->span = span_from(b);
      return e;
    }
    auto e = make_path(parts.size() > 1 ? path_root::constant : path_root::local, b);
    e->root_name = full;
    e->span = span_from(b);
    return e;
  }

  expr_ptr parse_keyword_expr() {
    const token& t = peek();
    const std::string& k = t.text;
    if (k == "null" || k == "true" || k == "false") {
      auto e = make(expr_kind::literal, advance().span);
      if (k != "null")
        e->lit = value(k == "true");
      return e;
    }
    if (k == "event")
      return make_path(path_root::event, advance().span);
    if (k == "state")
      return make_path(path_root::state, advance().span);
    if (k == "args")
      return make_path(path_root::args, advance().span);
    if (k == "group")
      return make_path(path_root::group, advance().span);
    if (k == "window")
      return make_path(path_root::window, advance().span);
    if (k == "match")
      return parse_match();
    if (k == "patch")
      return parse_patch();
    if (k == "merge")
      return parse_merge();
    if (k == "for")
      return parse_for();
    if (k == "recur") {
      auto e = make(expr_kind::recur, advance().span);
      e->items = parse_call_args();
      e->span = span_from(e->span);
      return e;
    }
    expected_expression();
  }

  expr_ptr parse_record() {
    auto e = make(expr_kind::record, advance().span);
    comma_list_until("}", [&] {
      const token& k = peek();
      if (k.kind == tok::string) {
        advance();
        e->keys.push_back(parse_string_token(k));
      } else if (k.kind == tok::ident) {
        auto key = make(expr_kind::literal, k.span);
        key->lit = value(k.text);
        advance();
        e->keys.push_back(std::move(key));
      } else {
        unexpected("a record key string or `}`");
      }
      expect_punct(":");
      e->items.push_back(parse_complex());
    });
    e->span = span_from(e->span);
    return e;
  }

  expr_ptr parse_array() {
    auto e = make(expr_kind::array, advance().span);
    comma_list_until("]", [&] { e->items.push_back(parse_complex()); });
    e->span = span_from(e->span);
    return e;
  }

  expr_ptr parse_bytes() {
    auto e = make(expr_kind::bytes, advance().span);
    while (!peek().is_punct(">>")) {
      e->items.push_back(parse_postfix_or_unary_for_bytes());
      bytes_part bp;
      if (accept_punct(":")) {
        if (peek().kind != tok::integer)
          unexpected("a bit size");
        bp.bits = static_cast<unsigned>(std::min<uint64_t>(peek().u, UINT32_MAX));
        if (peek().u > 64)
          fail(source_span{e->items.back()->span.begin, peek().span.end, file_},
               "negative bits or bits > 64 are are not allowed: " + std::to_string(peek().u));
        advance();
      }
      if (accept_punct("/")) {
        // `big-signed-integer`; Tremor also takes `signed_integer`.
        source_span type_span = peek().span;
        std::vector<std::string> words;
        while (true) {
          std::string w = expect_ident();
          for (size_t start = 0;;) {
            size_t us = w.find('_', start);
            words.push_back(w.substr(start, us == std::string::npos ? us : us - start));
            if (us == std::string::npos)
              break;
            start = us + 1;
          }
          if (!accept_punct("-"))
            break;
        }
        type_span = span_from(type_span);
        for (const auto& w : words) {
          if (w == "big" || w == "little")
            bp.big = w == "big";
          else if (w == "signed" || w == "unsigned")
            bp.is_signed = w == "signed";
          else if (w == "integer")
            bp.k = bytes_part::kind::integer;
          else if (w == "binary")
            bp.k = bytes_part::kind::binary;
          else if (w == "float")
            bp.k = bytes_part::kind::float_;
          else {
            std::string spec;
            for (const auto& x : words)
              spec += (spec.empty() ? "" : "-") + x;
            fail(type_span, "Not a valid data type: '" + spec + "'");
          }
        }
      }
      e->bytes_parts.push_back(bp);
      if (!accept_punct(","))
        break;
    }
    expect_punct(">>");
    e->span = span_from(e->span);
    return e;
  }

  expr_ptr parse_postfix_or_unary_for_bytes() {
    if (peek().is_punct("-")) {
      auto e = make(expr_kind::unary, advance().span);
      e->op = op_code::negate;
      e->items.push_back(parse_postfix());
      return e;
    }
    return parse_postfix();
  }

  // -- match / patch / for ----------------------------------------------------

  expr_ptr parse_match() {
    auto e = make(expr_kind::match, advance().span);
    e->items.push_back(parse_complex());
    expect_kw("of");
    while (peek().is_kw("case") || peek().is_kw("default")) {
      match_case mc;
      mc.span = peek().span;
      if (advance().text == "default") {
        mc.pat = std::make_unique<pattern>();
        mc.pat->k = pattern::kind::wildcard;
        mc.pat->span = mc.span;
      } else {
        mc.pat = parse_case_pattern();
        if (accept_kw("when"))
          mc.guard = parse_expr();
      }
      expect_punct("=>");
      parse_block(mc.body);
      mc.span = span_from(mc.span);
      e->cases.push_back(std::move(mc));
    }
    if (e->cases.empty())
      unexpected("`case`");
    if (!peek().is_kw("end"))
      unexpected("`case` or `end`");
    advance();
    e->span = span_from(e->span);
    return e;
  }

  pattern_ptr parse_case_pattern() {
    // `x = pattern` binds the matched value.
    if (peek().kind == tok::ident && peek(1).is_punct("=")) {
      auto p = std::make_unique<pattern>();
      p->k = pattern::kind::assign;
      p->span = peek().span;
      p->name = advance().text;
      advance(); // =
      p->sub = parse_pattern();
      p->span = span_from(p->span);
      return p;
    }
    return parse_pattern();
  }

  pattern_ptr parse_pattern() {
    depth_guard g(*this, peek().span);
    auto p = std::make_unique<pattern>();
    p->span = peek().span;
    const token& t = peek();
    if (t.is_punct("%{")) {
      advance();
      p->k = pattern::kind::record;
      comma_list_until("}", [&] { p->fields.push_back(parse_field_pred()); });
    } else if (t.is_punct("%[")) {
      advance();
      p->k = pattern::kind::array;
      comma_list_until("]", [&] { p->elems.push_back(parse_elem_pattern()); });
    } else if (t.is_punct("%(")) {
      advance();
      p->k = pattern::kind::tuple;
      while (!peek().is_punct(")")) {
        if (accept_punct("...")) {
          p->open_tuple = true;
          break;
        }
        p->elems.push_back(parse_elem_pattern());
        if (!accept_punct(","))
          break;
      }
      expect_punct(")");
    } else if (t.is_punct("_")) {
      advance();
      p->k = pattern::kind::wildcard;
    } else if (t.is_punct("~")) {
      advance();
      p->k = pattern::kind::extractor;
      p->name = expect_ident();
      if (peek().kind != tok::extractor)
        unexpected("an extractor `|…|`");
      p->body = advance().text;
    } else {
      p->k = pattern::kind::expr;
      p->value = parse_complex();
    }
    p->span = span_from(p->span);
    return p;
  }

  pattern_ptr parse_elem_pattern() {
    if (peek().kind == tok::ident && peek(1).is_punct("="))
      return parse_case_pattern();
    return parse_pattern();
  }

  std::string parse_pred_key() {
    const token& t = peek();
    if (t.kind == tok::ident || t.kind == tok::keyword) {
      advance();
      return t.text;
    }
    if (t.kind == tok::string && (t.parts.empty() || (t.parts.size() == 1 && !t.parts[0].is_expr))) {
      advance();
      return t.parts.empty() ? std::string() : t.parts[0].text;
    }
    unexpected("a record key");
  }

  field_pred parse_field_pred() {
    field_pred f;
    f.span = peek().span;
    if (accept_kw("present")) {
      f.k = field_pred::kind::present;
      f.key = parse_pred_key();
      f.span = span_from(f.span);
      return f;
    }
    if (accept_kw("absent")) {
      f.k = field_pred::kind::absent;
      f.key = parse_pred_key();
      f.span = span_from(f.span);
      return f;
    }
    // `x = key ~= extractor`
    if (peek().kind == tok::ident && peek(1).is_punct("=")) {
      f.bind = advance().text;
      advance();
    }
    f.key = parse_pred_key();
    const token& op = peek();
    if (op.is_punct("~=")) {
      advance();
      f.k = field_pred::kind::pattern;
      if (peek().kind == tok::ident && peek(1).kind == tok::extractor) {
        auto sub = std::make_unique<pattern>();
        sub->k = pattern::kind::extractor;
        sub->span = peek().span;
        sub->name = advance().text;
        sub->body = advance().text;
        sub->span = span_from(sub->span);
        f.sub = std::move(sub);
        f.k = field_pred::kind::extract;
      } else {
        f.sub = parse_pattern();
      }
    } else if (op.is_punct("==") || op.is_punct("!=") || op.is_punct("<") || op.is_punct("<=") ||
               op.is_punct(">") || op.is_punct(">=")) {
      f.k = field_pred::kind::compare;
      f.op = binary_op_of(advance());
      f.rhs = parse_expr();
    } else {
      unexpected("`~=`, `==`, `!=`, `<`, `<=`, `>` or `>=`");
    }
    f.span = span_from(f.span);
    return f;
  }

  // Patch keys (and move/copy targets) are string literals, which may
  // interpolate.
  expr_ptr parse_patch_key() {
    if (peek().kind != tok::string)
      unexpected("one of `\"`, `\"\"\"`");
    return parse_string_token(advance());
  }

  expr_ptr parse_patch() {
    auto e = make(expr_kind::patch, advance().span);
    e->items.push_back(parse_complex());
    expect_kw("of");
    while (!peek().is_kw("end")) {
      patch_op op;
      op.span = peek().span;
      const token& t = advance();
      std::string w = t.text;
      if (w == "insert" || w == "upsert" || w == "update") {
        op.k = w == "insert" ? patch_op::kind::insert
                             : (w == "upsert" ? patch_op::kind::upsert : patch_op::kind::update);
        op.key = parse_patch_key();
        expect_punct("=>");
        op.value = parse_complex();
      } else if (w == "erase") {
        op.k = patch_op::kind::erase;
        op.key = parse_patch_key();
      } else if (w == "move" || w == "copy") {
        op.k = w == "move" ? patch_op::kind::move : patch_op::kind::copy;
        op.key = parse_patch_key();
        expect_punct("=>");
        op.value = parse_patch_key();
      } else if (w == "merge" || w == "default") {
        op.k = w == "merge" ? patch_op::kind::merge : patch_op::kind::default_;
        if (!peek().is_punct("=>"))
          op.key = parse_patch_key();
        expect_punct("=>");
        op.value = parse_complex();
      } else {
        --pos_;
        unexpected("a patch operation (`insert`, `upsert`, `update`, `erase`, `move`, `copy`, "
                   "`merge`, `default`)");
      }
      op.span = span_from(op.span);
      e->patches.push_back(std::move(op));
      if (!accept_punct(";") && !accept_punct(","))
        break;
    }
    expect_kw("end");
    e->span = span_from(e->span);
    return e;
  }

  expr_ptr parse_merge() {
    auto e = make(expr_kind::merge, advance().span);
    e->items.push_back(parse_complex());
    expect_kw("of");
    e->items.push_back(parse_complex());
    expect_kw("end");
    e->span = span_from(e->span);
    return e;
  }

  expr_ptr parse_for() {
    auto e = make(expr_kind::for_each, advance().span);
    e->items.push_back(parse_complex());
    expect_kw("of");
    while (accept_kw("case")) {
      for_case fc;
      expect_punct("(");
      fc.key_name = expect_ident();
      expect_punct(",");
      fc.value_name = expect_ident();
      expect_punct(")");
      if (accept_kw("when"))
        fc.guard = parse_expr();
      expect_punct("=>");
      parse_block(fc.body);
      e->for_cases.push_back(std::move(fc));
    }
    if (e->for_cases.empty())
      unexpected("`case`");
    if (accept_kw("into")) {
      e->items.push_back(parse_complex());
      if (accept_kw("use")) {
        e->fold_op = binary_op_of(peek());
        if (e->fold_op == op_code::none)
          unexpected("a binary operator");
        advance();
      }
    }
    expect_kw("end");
    e->span = span_from(e->span);
    return e;
  }

  std::shared_ptr<const source_file> file_;
  size_t statement_pos_ = SIZE_MAX; ///< token where the current script statement starts
  std::vector<token> toks_;
  diagnostics& diags_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  bool suppress_ = false;
};

// Lexes a whole file. Doc and module comments stay in the token list: the
// parser accepts them only where Tremor's grammar does.
bool lex_file(const std::shared_ptr<const source_file>& file, std::vector<token>& toks,
              diagnostics& diags) {
  return lex(file, source_pos{1, 1, 0}, file->text.size(), toks, diags);
}

} // namespace

std::unique_ptr<module_ast> parse(std::shared_ptr<const source_file> file, parse_mode mode,
                                  diagnostics& diags, bool& ok) {
  auto m = std::make_unique<module_ast>();
  m->file = file;
  std::vector<token> toks;
  if (!lex_file(file, toks, diags)) {
    ok = false;
    return m;
  }
  parser p(file, std::move(toks), diags);
  try {
    switch (mode) {
      case parse_mode::troy: p.parse_troy(*m); break;
      case parse_mode::module: p.parse_module(*m); break;
      case parse_mode::script: p.parse_script(*m); break;
      case parse_mode::query: break;
    }
  } catch (const parse_failure&) {
  }
  ok = !p.failed();
  return m;
}

std::shared_ptr<pipeline_def> parse_query(std::shared_ptr<const source_file> file,
                                          const std::string& name, diagnostics& diags, bool& ok) {
  auto p = std::make_shared<pipeline_def>();
  p->name = name;
  std::vector<token> toks;
  if (!lex_file(file, toks, diags)) {
    ok = false;
    return p;
  }
  parser ps(file, std::move(toks), diags);
  try {
    ps.parse_query_body(*p);
  } catch (const parse_failure&) {
  }
  ok = !ps.failed();
  return p;
}

} // namespace temblor::dsl
