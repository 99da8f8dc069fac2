#include "dsl/standalone.hpp"

#include "dsl/module_loader.hpp"
#include "dsl/parser.hpp"
#include "dsl/pipeline_program.hpp"

namespace temblor::dsl {

namespace {

// Reads a query or script file; a missing file is reported in `diags`.
bool read_source(const std::string& path, std::string& text, diagnostics& diags) {
  if (read_file(path, text))
    return true;
  diags.error_without_span("Could not read `" + path + "`");
  return false;
}

size_t error_count(const diagnostics& d) {
  size_t n = 0;
  for (const auto& x : d.all())
    if (x.level == severity::error)
      ++n;
  return n;
}

select_stmt passthrough(const std::string& from, const std::string& from_port,
                        const std::string& into) {
  select_stmt s;
  s.target = std::make_unique<expr>(expr_kind::path, source_span{});
  s.target->root = path_root::event;
  s.from_node = from;
  s.from_port = from_port;
  s.into_node = into;
  return s;
}

// Compiles the pipeline that wraps a standalone query or script; `root` is
// the parsed file the definition points into, when it is not `def` itself.
// Null when this load reported errors.
std::shared_ptr<const pipeline_program> compile_standalone(std::shared_ptr<pipeline_def> def,
                                                           std::unique_ptr<module_ast> root,
                                                           const load_options& options,
                                                           diagnostics& diags,
                                                           size_t errors_before) {
  module_loader loader(options.module_path, diags);
  loader.store()->keep.push_back(def);
  if (root)
    loader.store()->roots.push_back(std::move(root));
  auto prog = compile_pipeline(loader, def, nullptr, value(record{}));
  if (!prog || error_count(diags) != errors_before)
    return nullptr;
  return prog;
}

} // namespace

std::shared_ptr<const pipeline_program> load_query_source(const std::string& name,
                                                          std::string text,
                                                          const load_options& options,
                                                          diagnostics& diags) {
  size_t before = error_count(diags);
  auto file = std::make_shared<source_file>(source_file{name, std::move(text)});
  bool ok = true;
  auto def = parse_query(file, "main", diags, ok);
  if (!ok)
    return nullptr;
  return compile_standalone(std::move(def), nullptr, options, diags, before);
}

std::shared_ptr<const pipeline_program> load_query_file(const std::string& path,
                                                        const load_options& options,
                                                        diagnostics& diags) {
  std::string text;
  if (!read_source(path, text, diags))
    return nullptr;
  return load_query_source(path, std::move(text), options, diags);
}

std::shared_ptr<const pipeline_program> load_script_source(const std::string& name,
                                                           std::string text,
                                                           const load_options& options,
                                                           diagnostics& diags) {
  size_t before = error_count(diags);
  auto file = std::make_shared<source_file>(source_file{name, std::move(text)});
  bool ok = true;
  auto ast = parse(file, parse_mode::script, diags, ok);
  if (!ok)
    return nullptr;
  auto sd = std::make_shared<script_def>();
  sd->name = "script";
  sd->bodies.emplace_back("in", std::move(ast->body));
  for (auto& c : ast->items.consts)
    sd->consts.push_back(std::move(c));
  for (auto& f : ast->items.fns)
    sd->fns.push_back(std::move(f));
  for (auto& u : ast->items.uses)
    sd->uses.push_back(u);
  auto pd = std::make_shared<pipeline_def>();
  pd->name = "script";
  pd->into_ports = {"out", "err"};
  pd->items.scripts.push_back(sd);
  create_stmt c;
  c.what = "script";
  c.alias = "script";
  c.from.name = "script";
  pd->creates.push_back(std::move(c));
  pd->selects.push_back(passthrough("in", "", "script"));
  pd->selects.push_back(passthrough("script", "", "out"));
  pd->selects.push_back(passthrough("script", "err", "err"));
  return compile_standalone(std::move(pd), std::move(ast), options, diags, before);
}

std::shared_ptr<const pipeline_program> load_script_file(const std::string& path,
                                                         const load_options& options,
                                                         diagnostics& diags) {
  std::string text;
  if (!read_source(path, text, diags))
    return nullptr;
  return load_script_source(path, std::move(text), options, diags);
}

} // namespace temblor::dsl
