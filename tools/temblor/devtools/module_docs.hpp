#pragma once

// `temblor doc`: a module's `###` comment and the `##` comments before its
// definitions, as Markdown. Works on tokens, so it documents any file the
// lexer reads, whatever the definitions are.

#include <string>

namespace temblor::devtools {

/// Returns the Markdown for module `name` from its source `text`; false
/// with `err` (file:line:col) when the text does not lex.
bool module_markdown(const std::string& name, const std::string& path, const std::string& text,
                     std::string& out, std::string& err);

} // namespace temblor::devtools
