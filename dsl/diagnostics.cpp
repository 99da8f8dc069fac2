#include "dsl/diagnostics.hpp"

#include <algorithm>

#include "dsl/utf8_encode.hpp"

namespace temblor::dsl {

namespace {

// Returns the text of 1-based `line` in `text` (without the newline).
std::string line_text(const std::string& text, uint32_t line) {
  size_t start = 0;
  for (uint32_t l = 1; l < line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos)
      return {};
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string s = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!s.empty() && s.back() == '\r')
    s.pop_back();
  // Control bytes (a NUL would end the printed text) show as their Unicode
  // control pictures, one column each, so the carets stay aligned.
  std::string shown;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\t')
      append_utf8(shown, 0x2400 + c);
    else
      shown.push_back(ch);
  }
  return shown;
}

} // namespace

void diagnostics::error(source_span span, std::string message, std::string hint) {
  items_.push_back(diagnostic{severity::error, std::move(span), std::move(message), std::move(hint)});
}

void diagnostics::warning(source_span span, std::string message, std::string hint) {
  items_.push_back(
    diagnostic{severity::warning, std::move(span), std::move(message), std::move(hint)});
}

void diagnostics::error_without_span(std::string message) {
  items_.push_back(diagnostic{severity::error, source_span{}, std::move(message), {}});
}

bool diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const diagnostic& d) { return d.level == severity::error; });
}

std::string diagnostics::render() const {
  std::string out;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (i > 0)
      out += "\n";
    out += dsl::render(items_[i]);
  }
  return out;
}

std::string render(const diagnostic& d) {
  std::string out = d.level == severity::error ? "error: " : "warning: ";
  out += d.message;
  out += "\n";
  if (!d.span.file)
    return out;
  const source_span& s = d.span;
  std::string num = std::to_string(s.begin.line);
  std::string gutter(num.size(), ' ');
  out += gutter + "--> " + s.file->name + ":" + std::to_string(s.begin.line) + ":" +
         std::to_string(s.begin.column) + "\n";
  out += gutter + " |\n";
  std::string text = line_text(s.file->text, s.begin.line);
  out += num + " | " + text + "\n";
  size_t col = s.begin.column > 0 ? s.begin.column - 1 : 0;
  size_t width = 1;
  if (s.end.line == s.begin.line && s.end.column > s.begin.column)
    width = s.end.column - s.begin.column;
  else if (s.end.line > s.begin.line && text.size() > col)
    width = text.size() - col;
  std::string carets = gutter + " | " + std::string(col, ' ') + std::string(width, '^');
  if (!d.hint.empty())
    carets += " " + d.hint;
  out += carets + "\n";
  return out;
}

} // namespace temblor::dsl
