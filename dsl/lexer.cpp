#include "dsl/lexer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "dsl/utf8_encode.hpp"
#include "runtime/core/utf8.hpp"

namespace temblor::dsl {

namespace {

const std::unordered_set<std::string>& keywords() {
  static const std::unordered_set<std::string> set = {
    "let",     "const",     "match",    "of",      "end",    "case",     "when",   "for",
    "null",    "true",      "false",    "and",     "or",     "xor",      "not",    "drop",
    "emit",    "default",   "patch",    "insert",  "upsert", "update",   "erase",  "move",
    "copy",    "merge",     "event",    "state",   "present", "absent",  "fn",     "intrinsic",
    "mod",     "select",    "from",     "where",   "with",   "group",    "by",     "having",
    "into",    "create",    "tumbling", "sliding", "window", "stream",   "operator", "script",
    "set",     "each",      "define",   "args",    "use",    "as",       "recur",  "pipeline",
    "connector", "connect", "flow",     "to",      "deploy"};
  return set;
}

bool ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
bool ident_continue(unsigned char c) {
  return ident_start(c) || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Longest match first.
const char* const puncts[] = {">>>", "...", ":::", "<<", ">>", "<=", ">=", "==", "!=", "=>", "::",
                              "~=",  "%{",  "%[", "%(", ",",  "$",  ".",  ";",  ":",  "=",
                              "_",   "(",   ")",  "{",  "}",  "[",  "]",  "/",  "+",  "-",
                              "*",   "%",   "^",  "&",  "!",  "~",  "<",  ">"};

class lexer {
public:
  lexer(const std::shared_ptr<const source_file>& file, source_pos begin, size_t end,
        std::vector<token>& out, diagnostics& diags)
    : file_(file), src_(file->text), pos_(begin), end_(end), out_(out), diags_(diags) {}

  bool run() {
    if (!valid_utf8_source())
      return false;
    while (true) {
      skip_space();
      if (pos_.offset >= end_) {
        token t;
        t.kind = tok::eof;
        t.span = span_from(pos_);
        out_.push_back(std::move(t));
        return true;
      }
      if (!next())
        return false;
    }
  }

private:
  unsigned char peek(size_t n = 0) const {
    return pos_.offset + n < end_ ? static_cast<unsigned char>(src_[pos_.offset + n]) : 0;
  }
  void bump() {
    if (src_[pos_.offset] == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else {
      ++pos_.column;
    }
    ++pos_.offset;
  }
  source_span span_from(source_pos b) const { return source_span{b, pos_, file_}; }

  bool fail(source_pos at, std::string msg, std::string hint = {}) {
    source_pos e = at;
    if (e.offset < end_) {
      ++e.offset;
      ++e.column;
    }
    diags_.error(source_span{at, e, file_}, std::move(msg), std::move(hint));
    return false;
  }
  bool fail_span(source_pos at, std::string msg, std::string hint = {}) {
    diags_.error(source_span{at, pos_, file_}, std::move(msg), std::move(hint));
    return false;
  }
  bool unterminated_interpolation(source_pos open) {
    return fail(open, "It looks like you forgot to terminate a string interpolation with a closing '}'",
                "Did you mean to write a literal '#{'? Escape it as '\\#{'.");
  }
  // Tremor's texts, including the doubled "with" of the heredoc one.
  static constexpr const char* unterminated_string =
    "It looks like you forgot to terminate a string with a closing '\"'";
  static constexpr const char* unterminated_heredoc =
    "It looks like you forgot to terminate a here doc with with a closing '\"\"\"'";

  bool unexpected(source_pos at) {
    unsigned char c = at.offset < end_ ? static_cast<unsigned char>(src_[at.offset]) : 0;
    std::string shown(1, static_cast<char>(c));
    if (c < 0x20 || c == 0x7F) { // a raw NUL would cut the message short
      char esc[16];
      std::snprintf(esc, sizeof(esc), "\\u{%x}", c);
      shown = esc;
    } else if (c >= 0x80) {
      size_t bad = 0;
      shown = src_.substr(at.offset, std::max<size_t>(utf8_sequence_length(src_, at.offset, bad), 1));
    }
    return fail(at, "An unexpected character '" + shown + "' was found");
  }

  // Tremor reads sources as UTF-8 text and rejects a file that is not.
  bool valid_utf8_source() {
    for (size_t i = pos_.offset; i < end_;) {
      size_t bad = 0;
      size_t len = static_cast<unsigned char>(src_[i]) < 0x80 ? 1 : utf8_sequence_length(src_, i, bad);
      if (len == 0) {
        while (pos_.offset < i)
          bump();
        char byte[8];
        std::snprintf(byte, sizeof(byte), "0x%02X", static_cast<unsigned char>(src_[i]));
        return fail(pos_, "stream did not contain valid UTF-8",
                    std::string("invalid byte ") + byte);
      }
      i += len;
    }
    return true;
  }

  void skip_space() {
    while (pos_.offset < end_) {
      unsigned char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        bump();
      } else if (c == '#' && peek(1) != '#' && peek(1) != '!') {
        while (pos_.offset < end_ && peek() != '\n')
          bump();
      } else {
        break;
      }
    }
  }

  void push(tok kind, source_pos b, std::string text) {
    token t;
    t.kind = kind;
    t.text = std::move(text);
    t.span = span_from(b);
    out_.push_back(std::move(t));
  }

  bool next() {
    source_pos b = pos_;
    unsigned char c = peek();
    if (c == '#')
      return comment_or_directive();
    if (ident_start(c))
      return ident();
    if (c == '`')
      return backtick();
    if (is_digit(c))
      return number();
    if (c == '"')
      return string();
    if (c == '|')
      return extractor();
    // Tremor's lexer cannot tell what a `>` that ends the input starts
    // (`>`, `>=`, `>>`…): it becomes a token the parser rejects where it
    // stands, which then lists what could follow the expression before it.
    if (c == '>' && pos_.offset + 1 == end_) {
      bump();
      push(tok::bad, b, ">");
      return true;
    }
    for (const char* p : puncts) {
      size_t n = std::strlen(p);
      if (pos_.offset + n <= end_ && src_.compare(pos_.offset, n, p) == 0) {
        for (size_t i = 0; i < n; ++i)
          bump();
        push(tok::punct, b, p);
        return true;
      }
    }
    return unexpected(b);
  }

  bool comment_or_directive() {
    source_pos b = pos_;
    if (peek(1) == '!') {
      static const char directive[] = "#!config ";
      size_t n = sizeof(directive) - 1;
      if (pos_.offset + n <= end_ && src_.compare(pos_.offset, n, directive) == 0) {
        for (size_t i = 0; i < n; ++i)
          bump();
        push(tok::config, b, "#!config");
        return true;
      }
      // Any other `#!` is a token no grammar rule accepts: the parser
      // reports it where it stands, as Tremor's does.
      bump();
      bump();
      push(tok::bad, b, "#!");
      return true;
    }
    // `##` doc comment or `###` module comment, up to the end of the line.
    bool module = peek(2) == '#';
    size_t skip = module ? 3 : 2;
    for (size_t i = 0; i < skip; ++i)
      bump();
    size_t start = pos_.offset;
    while (pos_.offset < end_ && peek() != '\n')
      bump();
    push(module ? tok::mod_comment : tok::doc_comment, b, src_.substr(start, pos_.offset - start));
    return true;
  }

  bool ident() {
    source_pos b = pos_;
    while (pos_.offset < end_ && ident_continue(peek()))
      bump();
    std::string word = src_.substr(b.offset, pos_.offset - b.offset);
    tok kind = is_keyword(word) ? tok::keyword : tok::ident;
    push(kind, b, std::move(word));
    return true;
  }

  bool backtick() {
    source_pos b = pos_;
    bump();
    size_t start = pos_.offset;
    while (pos_.offset < end_ && peek() != '`' && peek() != '\n')
      bump();
    if (peek() != '`')
      return fail(b, "It looks like you forgot to terminate an ident with a closing '`'");
    std::string word = src_.substr(start, pos_.offset - start);
    bump();
    push(tok::ident, b, std::move(word));
    out_.back().backtick = true;
    return true;
  }

  bool number() {
    source_pos b = pos_;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      bump();
      bump();
      uint64_t v = 0;
      size_t digits = 0;
      while (pos_.offset < end_ && (is_hex(peek()) || peek() == '_')) {
        unsigned char d = peek();
        if (d != '_') {
          int x = is_digit(d) ? d - '0' : (d | 0x20) - 'a' + 10;
          if (v > (UINT64_MAX >> 4))
            return fail(b, "An invalid hexadecimal");
          v = (v << 4) | static_cast<uint64_t>(x);
          ++digits;
        }
        bump();
      }
      if (digits == 0)
        return fail(b, "An invalid hexadecimal");
      if (ident_continue(peek()))
        return unexpected(pos_);
      push(tok::integer, b, src_.substr(b.offset, pos_.offset - b.offset));
      out_.back().u = v;
      return true;
    }
    std::string digits;
    while (pos_.offset < end_ && (is_digit(peek()) || peek() == '_')) {
      if (peek() != '_')
        digits.push_back(static_cast<char>(peek()));
      bump();
    }
    bool is_float = false;
    if (peek() == '.' && is_digit(peek(1))) {
      is_float = true;
      digits.push_back('.');
      bump();
      while (pos_.offset < end_ && (is_digit(peek()) || peek() == '_')) {
        if (peek() != '_')
          digits.push_back(static_cast<char>(peek()));
        bump();
      }
      if ((peek() == 'e' || peek() == 'E') &&
          (is_digit(peek(1)) || ((peek(1) == '-' || peek(1) == '+') && is_digit(peek(2))))) {
        digits.push_back('e');
        bump();
        if (peek() == '-' || peek() == '+') {
          digits.push_back(static_cast<char>(peek()));
          bump();
        }
        while (pos_.offset < end_ && is_digit(peek())) {
          digits.push_back(static_cast<char>(peek()));
          bump();
        }
      } else if (peek() == 'e' || peek() == 'E') {
        return fail(b, "An invalid float literal");
      }
    }
    if (ident_continue(peek()))
      return unexpected(pos_);
    std::string text = src_.substr(b.offset, pos_.offset - b.offset);
    if (is_float) {
      push(tok::floating, b, text);
      out_.back().f = std::strtod(digits.c_str(), nullptr);
      return true;
    }
    uint64_t v = 0;
    for (char d : digits) {
      uint64_t n = static_cast<uint64_t>(d - '0');
      if (v > (UINT64_MAX - n) / 10)
        return fail(b, "An invalid integer literal");
      v = v * 10 + n;
    }
    push(tok::integer, b, text);
    out_.back().u = v;
    return true;
  }


  // Skips a string literal (or heredoc) inside an interpolation, including
  // its own interpolations; `nesting` bounds the recursion. Running out of
  // input leaves the interpolation unterminated; so does a string left open
  // at the end of its line, except inside a heredoc, where Tremor reports
  // the string.
  bool skip_nested_string(source_pos open, source_pos interpolation, int nesting,
                          bool in_heredoc) {
    bool heredoc = pos_.offset + 3 <= end_ && src_.compare(pos_.offset, 3, "\"\"\"") == 0;
    for (int i = 0; i < (heredoc ? 3 : 1); ++i)
      bump();
    while (pos_.offset < end_) {
      if (heredoc ? src_.compare(pos_.offset, 3, "\"\"\"") == 0 : peek() == '"')
        break;
      if (!heredoc && peek() == '\n')
        return in_heredoc ? fail(open, unterminated_string) : unterminated_interpolation(interpolation);
      if (peek() == '\\' && pos_.offset + 1 < end_) {
        bump();
        bump();
        continue;
      }
      if (peek() == '#' && peek(1) == '{') {
        source_pos inner = pos_;
        bump();
        bump();
        if (!skip_interpolation(inner, in_heredoc || heredoc, nesting + 1))
          return false;
      }
      bump();
    }
    if (pos_.offset >= end_)
      return unterminated_interpolation(interpolation);
    for (int i = 0; i < (heredoc ? 3 : 1); ++i)
      bump();
    return true;
  }

  // Skips a `#{ … }` body, honouring nested braces and strings; leaves pos_
  // on the closing brace.
  bool skip_interpolation(source_pos open, bool in_heredoc, int nesting = 0) {
    if (nesting > 64)
      return fail(open, "String interpolations are nested too deeply");
    int depth = 0;
    while (pos_.offset < end_) {
      unsigned char c = peek();
      if (c == '"') {
        if (!skip_nested_string(pos_, open, nesting, in_heredoc))
          return false;
        continue;
      }
      if (c == '{')
        ++depth;
      if (c == '}') {
        if (depth == 0)
          return true;
        --depth;
      }
      bump();
    }
    return unterminated_interpolation(open);
  }

  bool string() {
    source_pos b = pos_;
    bool heredoc = pos_.offset + 3 <= end_ && src_.compare(pos_.offset, 3, "\"\"\"") == 0;
    token t;
    t.kind = tok::string;
    if (heredoc) {
      bump();
      bump();
      bump();
      while (pos_.offset < end_ && (peek() == ' ' || peek() == '\t' || peek() == '\r'))
        bump();
      if (peek() != '\n')
        return fail(pos_, "It looks like you have characters tailing the here doc opening, it needs "
                          "to be followed by a newline");
      bump();
    } else {
      bump();
    }
    std::string lit;
    auto flush = [&] {
      if (!lit.empty()) {
        string_part p;
        p.text = std::move(lit);
        t.parts.push_back(std::move(p));
        lit.clear();
      }
    };
    while (true) {
      if (pos_.offset >= end_)
        return fail(b, heredoc ? unterminated_heredoc : unterminated_string);
      unsigned char c = peek();
      if (heredoc) {
        if (c == '"' && peek(1) == '"' && peek(2) == '"') {
          bump();
          bump();
          bump();
          break;
        }
      } else if (c == '"') {
        bump();
        break;
      } else if (c == '\n') {
        return fail(b, unterminated_string);
      }
      if (c == '\\') {
        source_pos esc = pos_;
        bump();
        if (pos_.offset >= end_)
          return fail(pos_, "An unexpected end of stream was found");
        unsigned char e = peek();
        switch (e) {
          case '"': lit.push_back('"'); break;
          case '\\': lit.push_back('\\'); break;
          case '#': lit.push_back('#'); break;
          case '/': lit.push_back('/'); break;
          case 'b': lit.push_back('\b'); break;
          case 'f': lit.push_back('\f'); break;
          case 'n': lit.push_back('\n'); break;
          case 'r': lit.push_back('\r'); break;
          case 't': lit.push_back('\t'); break;
          case 'u': {
            uint32_t cp = 0;
            for (int i = 1; i <= 4; ++i) {
              if (!is_hex(peek(static_cast<size_t>(i))))
                return fail(esc, "An invalid UTF8 escape sequence was found");
              unsigned char d = peek(static_cast<size_t>(i));
              cp = cp * 16 + static_cast<uint32_t>(is_digit(d) ? d - '0' : (d | 0x20) - 'a' + 10);
            }
            for (int i = 0; i < 4; ++i)
              bump();
            if (cp >= 0xD800 && cp <= 0xDFFF) { // a lone surrogate is no character
              bump();
              return fail_span(esc, "An invalid UTF8 escape sequence was found");
            }
            append_utf8(lit, cp);
            break;
          }
          default:
            return fail(esc, std::string("An unexpected escape code '") + static_cast<char>(e) +
                               "' was found");
        }
        bump();
        continue;
      }
      if (c == '#' && peek(1) == '{') {
        flush();
        source_pos open = pos_;
        bump();
        bump();
        string_part p;
        p.is_expr = true;
        p.begin = pos_;
        if (!skip_interpolation(open, heredoc))
          return false;
        p.end_offset = pos_.offset;
        bump();
        if (src_.find_first_not_of(" \t\r\n", p.begin.offset) >= p.end_offset)
          return fail_span(open, "You have an interpolation without content.",
                           "Did you mean to write a literal '#{'? Escape it as '\\#{'.");
        t.parts.push_back(std::move(p));
        continue;
      }
      lit.push_back(static_cast<char>(c));
      bump();
    }
    flush();
    t.text = src_.substr(b.offset, pos_.offset - b.offset);
    t.span = span_from(b);
    out_.push_back(std::move(t));
    return true;
  }

  // `|…|`: `\|` is a `|`, `\\` a backslash, and a backslash before a line
  // break joins the lines (dropping the next line's indentation); any other
  // escape is an error, as in Tremor (a regex's `\d` is written `\\d`).
  bool extractor() {
    source_pos b = pos_;
    bump();
    std::string body;
    while (pos_.offset < end_ && peek() != '|') {
      if (peek() == '\\') {
        bump();
        unsigned char e = peek();
        if (e == '|' || e == '\\') {
          body.push_back(static_cast<char>(e));
          bump();
        } else if (e == '\n' || (e == '\r' && peek(1) == '\n')) {
          while (pos_.offset < end_ && (peek() == '\r' || peek() == '\n'))
            bump();
          while (pos_.offset < end_ && (peek() == ' ' || peek() == '\t'))
            bump();
        } else if (pos_.offset < end_) {
          return fail(pos_, std::string("An unexpected escape code '") + static_cast<char>(e) +
                              "' was found");
        }
        continue;
      }
      body.push_back(static_cast<char>(peek()));
      bump();
    }
    if (pos_.offset >= end_)
      return fail(b, "It looks like you forgot to terminate an extractor with a closing '|'");
    bump();
    push(tok::extractor, b, std::move(body));
    return true;
  }

  std::shared_ptr<const source_file> file_;
  const std::string& src_;
  source_pos pos_;
  size_t end_;
  std::vector<token>& out_;
  diagnostics& diags_;
};

} // namespace

bool is_keyword(const std::string& word) { return keywords().count(word) > 0; }

std::string describe(const token& t) {
  switch (t.kind) {
    case tok::eof: return "end of file";
    case tok::ident: return "`" + t.text + "`";
    case tok::keyword:
    case tok::punct: return "`" + t.text + "`";
    case tok::integer:
    case tok::floating: return "`" + t.text + "`";
    case tok::string:
    case tok::extractor: return "`" + (t.text.size() > 40 ? t.text.substr(0, 37) + "..." : t.text) + "`";
    case tok::doc_comment: return "`##`";
    case tok::mod_comment: return "`###`";
    case tok::config: return "`#!config`";
    case tok::bad: return "`" + t.text + "`";
  }
  return "a token";
}

bool lex(const std::shared_ptr<const source_file>& file, source_pos begin, size_t end_offset,
         std::vector<token>& out, diagnostics& diags) {
  lexer l(file, begin, end_offset, out, diags);
  return l.run();
}

} // namespace temblor::dsl
