#include "tools/temblor/devtools/dbg.hpp"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "dsl/deployment.hpp"
#include "dsl/dump.hpp"
#include "dsl/lexer.hpp"
#include "tools/temblor/devtools/flow_graph.hpp"

namespace temblor::devtools {

namespace {

const char* kind_name(dsl::tok k) {
  switch (k) {
    case dsl::tok::ident: return "ident";
    case dsl::tok::keyword: return "keyword";
    case dsl::tok::punct: return "punct";
    case dsl::tok::integer: return "integer";
    case dsl::tok::floating: return "float";
    case dsl::tok::string: return "string";
    case dsl::tok::extractor: return "extractor";
    case dsl::tok::doc_comment: return "doc-comment";
    case dsl::tok::mod_comment: return "mod-comment";
    case dsl::tok::config: return "config";
    case dsl::tok::bad: return "bad";
    case dsl::tok::eof: return "eof";
  }
  return "?";
}

bool read_file(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::stringstream s;
  s << in.rdbuf();
  text = s.str();
  return true;
}

bool is_troy(const std::string& file) {
  return file.size() > 5 && file.compare(file.size() - 5, 5, ".troy") == 0;
}

} // namespace

int run_dbg(const std::string& what, const std::string& file) {
  std::string text;
  if (!read_file(file, text)) {
    std::fprintf(stderr, "error: cannot read %s\n", file.c_str());
    return 1;
  }
  if (what == "src") {
    size_t line = 1, start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos && start == text.size())
        break;
      std::string row = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      std::printf("%5zu | %s\n", line++, row.c_str());
      if (end == std::string::npos)
        break;
      start = end + 1;
    }
    return 0;
  }
  if (what == "lex") {
    auto src = std::make_shared<dsl::source_file>(dsl::source_file{file, text});
    std::vector<dsl::token> tokens;
    dsl::diagnostics diags;
    bool ok = dsl::lex(src, dsl::source_pos{}, text.size(), tokens, diags);
    for (const auto& t : tokens)
      std::printf("%u:%u\t%s\t%s\n", t.span.begin.line, t.span.begin.column, kind_name(t.kind),
                  t.text.c_str());
    if (!ok) {
      std::fputs(diags.render().c_str(), stderr);
      return 1;
    }
    return 0;
  }
  if (what != "dot" && what != "ast") {
    std::fprintf(stderr, "error: unknown dbg view `%s` (dot, ast, lex, src)\n", what.c_str());
    return 2;
  }
  if (!is_troy(file)) {
    std::fprintf(stderr, "error: `dbg %s` takes a .troy file\n", what.c_str());
    return 2;
  }
  dsl::diagnostics diags;
  dsl::deployment deployment;
  dsl::load_options load;
  load.module_path = dsl::module_path_from_env();
  dsl::load_troy_source(file, text, load, deployment, diags);
  if (diags.has_errors()) {
    std::fputs(diags.render().c_str(), stderr);
    return 1;
  }
  std::fputs((what == "dot" ? flow_graph_dot(deployment) : dsl::dump_deployment(deployment)).c_str(),
             stdout);
  return 0;
}

} // namespace temblor::devtools
