#pragma once

// Source positions and collected diagnostics for every DSL phase.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace temblor::dsl {

struct source_file {
  std::string name; ///< the path as the user gave it
  std::string text;
};

/// 1-based line and column; the column counts bytes.
struct source_pos {
  uint32_t line = 1;
  uint32_t column = 1;
  size_t offset = 0;
};

struct source_span {
  source_pos begin;
  source_pos end; ///< one past the last byte
  std::shared_ptr<const source_file> file;
};

enum class severity { error, warning };

struct diagnostic {
  severity level = severity::error;
  source_span span;
  std::string message; ///< "Unknown connector type ws_clinet"
  std::string hint;    ///< shown after the caret: "did you mean `ws_client`?"
};

/// Collects every problem of a load so the user sees all of them in one run.
class diagnostics {
public:
  void error(source_span span, std::string message, std::string hint = {});
  void warning(source_span span, std::string message, std::string hint = {});
  /// Adds an error that has no source position (a missing file).
  void error_without_span(std::string message);

  bool has_errors() const;
  const std::vector<diagnostic>& all() const { return items_; }

  /// Renders every diagnostic in the fixed format:
  ///   error: <message>
  ///    --> file:line:col
  ///     |
  ///   3 | <source line>
  ///     |   ^^^^ <hint>
  std::string render() const;

private:
  std::vector<diagnostic> items_;
};

/// Renders one diagnostic (see diagnostics::render).
std::string render(const diagnostic& d);

} // namespace temblor::dsl
