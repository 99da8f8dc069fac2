#pragma once

// One lexer for troy, trickle and tremor-script (spec §1.1). Doc comments,
// module comments and `#!config` are real tokens because the grammar only
// accepts them in a few places.

#include <cstdint>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"

namespace temblor::dsl {

enum class tok : uint8_t {
  ident,       ///< plain or backtick identifier (text without backticks)
  keyword,     ///< reserved word (text)
  punct,       ///< operator or punctuation (text)
  integer,     ///< u64 in `u`
  floating,    ///< double in `f`
  string,      ///< `"…"` or heredoc; see `parts`
  extractor,   ///< `|…|` body in text
  doc_comment, ///< `## …`
  mod_comment, ///< `### …`
  config,      ///< `#!config `
  bad,         ///< a token no grammar rule accepts (text: how Tremor shows it)
  eof,
};

/// A piece of a string literal: literal text, or the source range of a
/// `#{…}` interpolation that the parser lexes again on its own.
struct string_part {
  bool is_expr = false;
  std::string text;
  source_pos begin; ///< where the interpolated expression starts
  size_t end_offset = 0;
};

struct token {
  tok kind = tok::eof;
  std::string text;
  uint64_t u = 0;
  double f = 0;
  bool backtick = false;
  std::vector<string_part> parts;
  source_span span;

  bool is(tok k, const char* t) const { return kind == k && text == t; }
  bool is_punct(const char* t) const { return kind == tok::punct && text == t; }
  bool is_kw(const char* t) const { return kind == tok::keyword && text == t; }
};

/// Lexes `file->text[begin.offset, end_offset)`. Stops at the first error,
/// which goes to `diags`; returns false then. The token list always ends in
/// an eof token.
bool lex(const std::shared_ptr<const source_file>& file, source_pos begin, size_t end_offset,
         std::vector<token>& out, diagnostics& diags);

/// Returns whether `word` is a reserved keyword.
bool is_keyword(const std::string& word);

/// Describes a token for "found …" messages: `end`, `;`, an identifier, eof.
std::string describe(const token& t);

} // namespace temblor::dsl
