#include "tools/temblor/devtools/module_docs.hpp"

#include <memory>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/lexer.hpp"

namespace temblor::devtools {

namespace {

/// The comment's text without its `##`/`###` and one following space.
std::string comment_text(const dsl::token& t, size_t hashes) {
  std::string s = t.text;
  size_t i = 0;
  while (i < s.size() && i < hashes && s[i] == '#')
    ++i;
  if (i < s.size() && s[i] == ' ')
    ++i;
  s = s.substr(i);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

/// The header of the definition that starts at `i`: its tokens up to where
/// the body begins (`with`, `=`, `pipeline`, `script`, `flow`, `;`…).
std::string definition_header(const std::vector<dsl::token>& tokens, size_t i) {
  std::string out;
  int parens = 0;
  for (size_t first = i; i < tokens.size() && tokens[i].kind != dsl::tok::eof; ++i) {
    const auto& t = tokens[i];
    // `define pipeline x … pipeline`: the kind names it, the second one opens the body.
    bool kind_word = i > first && tokens[i - 1].is_kw("define");
    if (parens == 0 && !kind_word &&
        (t.is_kw("with") || t.is_kw("pipeline") || t.is_kw("script") || t.is_kw("flow") ||
         t.is_kw("end") || t.is_kw("of") || t.is_punct("=") || t.is_punct(";")))
      break;
    if (t.is_punct("("))
      ++parens;
    if (t.is_punct(")"))
      --parens;
    bool tight = t.is_punct("(") || t.is_punct(")") || t.is_punct(",") || t.is_punct("::") ||
                 (!out.empty() && (out.back() == '(' || out.back() == ':'));
    if (!out.empty() && !tight)
      out += ' ';
    out += t.kind == dsl::tok::string ? "\"" + t.text + "\"" : t.text;
  }
  return out;
}

} // namespace

bool module_markdown(const std::string& name, const std::string& path, const std::string& text,
                     std::string& out, std::string& err) {
  auto file = std::make_shared<dsl::source_file>(dsl::source_file{path, text});
  std::vector<dsl::token> tokens;
  dsl::diagnostics diags;
  if (!dsl::lex(file, dsl::source_pos{}, text.size(), tokens, diags)) {
    err = diags.render();
    return false;
  }
  out = "# " + name + "\n\n";
  size_t i = 0;
  std::string module_doc;
  for (; i < tokens.size() && tokens[i].kind == dsl::tok::mod_comment; ++i)
    module_doc += comment_text(tokens[i], 3) + "\n";
  if (!module_doc.empty())
    out += module_doc + "\n";
  std::string pending;
  for (; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    if (t.kind == dsl::tok::doc_comment) {
      pending += comment_text(t, 2) + "\n";
      continue;
    }
    if (pending.empty())
      continue;
    out += "## `" + definition_header(tokens, i) + "`\n\n" + pending + "\n";
    pending.clear();
  }
  return true;
}

} // namespace temblor::devtools
