// The temblor command line: Tremor's spelling of `server run`, `run` and
// `test`, so existing scripts keep working.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "connectors/reference.hpp"
#include "dsl/interpreter.hpp"
#include "runtime/core/suggest.hpp"
#include "dsl/intrinsics.hpp"
#include "dsl/unit_suite.hpp"
#include "runtime/system/log.hpp"
#include "runtime/system/log_config.hpp"
#include "runtime/system/run_flows.hpp"
#include "runtime/system/run_query.hpp"
#include "tools/temblor/devtools/completions.hpp"
#include "tools/temblor/devtools/dbg.hpp"
#include "tools/temblor/devtools/module_docs.hpp"
#include "tools/temblor/devtools/project_skeleton.hpp"
#include "tools/temblor/harness/test_command.hpp"
#include "tools/temblor/ops/top_command.hpp"

namespace {

std::string self_executable(const char* argv0) {
  std::vector<char> buf(4096);
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n > 0)
    return std::string(buf.data(), static_cast<size_t>(n));
  return argv0;
}

// The log4rs file first, then RUST_LOG over it (Tremor users set either);
// what does not map to our logger is said once, as a warning.
void configure_logging(const std::string& logger_config, const std::string& format,
                       const std::string& instance) {
  temblor::log::set_instance(instance);
  if (format == "json")
    temblor::log::set_format(temblor::log::format::json);
  std::vector<std::string> warnings;
  if (!logger_config.empty())
    warnings = temblor::log::apply_log4rs(logger_config);
  if (const char* env = std::getenv("RUST_LOG")) {
    auto more = temblor::log::apply_rust_log(env);
    warnings.insert(warnings.end(), more.begin(), more.end());
  }
  for (const auto& w : warnings)
    temblor::log::warning(w);
}

// `temblor doc FILE.tremor|DIR [OUT_DIR]`: Markdown to stdout for one file,
// one .md per module (same relative path) for a directory.
int write_docs(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  fs::path in = args[0];
  std::vector<fs::path> modules;
  std::error_code ec;
  if (fs::is_directory(in, ec)) {
    for (const auto& entry : fs::recursive_directory_iterator(in, ec))
      if (entry.path().extension() == ".tremor")
        modules.push_back(entry.path());
    std::sort(modules.begin(), modules.end());
  } else {
    modules.push_back(in);
  }
  int status = 0;
  for (const auto& path : modules) {
    std::ifstream file(path);
    if (!file) {
      std::fprintf(stderr, "error: cannot read %s\n", path.c_str());
      status = 1;
      continue;
    }
    std::stringstream text;
    text << file.rdbuf();
    fs::path rel = fs::is_directory(in, ec) ? fs::relative(path, in) : path.filename();
    std::string name = rel.replace_extension("").generic_string();
    for (size_t i = 0; (i = name.find('/', i)) != std::string::npos;)
      name.replace(i, 1, "::");
    std::string markdown, err;
    if (!temblor::devtools::module_markdown(name, path.string(), text.str(), markdown, err)) {
      std::fputs(err.c_str(), stderr);
      status = 1;
      continue;
    }
    if (args.size() < 2) {
      std::fputs(markdown.c_str(), stdout);
      continue;
    }
    fs::path out = fs::path(args[1]) / rel.replace_extension(".md");
    fs::create_directories(out.parent_path(), ec);
    std::ofstream(out) << markdown;
  }
  return status;
}

} // namespace

int main(int argc, char** argv) {
  std::string self = self_executable(argv[0]);
  // The harness parses its own arguments (Tremor's `test` grammar).
  if (argc >= 2 && std::string(argv[1]) == "test")
    return temblor::harness::run_test_command(std::vector<std::string>(argv + 2, argv + argc), self);
  // `temblor test unit` runs each suite file through this (not in --help).
  if (argc == 3 && std::string(argv[1]) == "unit-suite") {
    temblor::dsl::load_options opts;
    opts.module_path = temblor::dsl::module_path_from_env();
    auto r = temblor::dsl::run_unit_suite_file(argv[2], opts);
    std::fputs(temblor::dsl::unit_suite_json_lines(r).c_str(), stdout);
    return r.error.empty() ? 0 : 1;
  }

  CLI::App app{"Temblor: runs Tremor flow files (.troy) on an actor runtime", "temblor"};
  app.set_version_flag("-V,--version", std::string("temblor ") + TEMBLOR_VERSION);
  app.require_subcommand(1);
  std::string instance = "tremor";
  std::string logger_config;
  app.add_option("-i,--instance", instance, "Instance name, shown in logs and metrics");
  app.add_option("-l,--logger-config", logger_config, "log4rs-style YAML logger configuration");
  std::string log_format = "text";
  app.add_option("--log-format", log_format, "Log lines as `text` (default) or `json`")
    ->check(CLI::IsMember({"text", "json"}));

  temblor::run_options run;
  temblor::query_run_options query;
  auto* run_cmd = app.add_subcommand(
    "run", "Run .troy files (debug connectors enabled), or a .trickle query / .tremor script over events");
  run_cmd->add_option("files", run.files, "Flow files to deploy, or one .trickle/.tremor file")->required();
  run_cmd->add_option("-i,--infile", query.infile, "Events for a query or script (default: stdin)");
  run_cmd->add_option("-o,--outfile", query.outfile, "Where `out` events go (default: stdout)");
  run_cmd->add_option("-d,--decoder", query.decoder, "Codec decoding the input (default: json)");
  run_cmd->add_option("-e,--encoder", query.encoder, "Codec encoding the output (default: json)");
  run_cmd->add_option("--preprocessor", query.preprocessor, "Input preprocessor (default: separate)");
  run_cmd->add_option("--postprocessor", query.postprocessor, "Output postprocessor (default: separate)");
  run_cmd->add_flag("--interactive", query.interactive,
                    "Query or script: echo every input event to stderr (as `in: JSON`) before its outputs");
  run_cmd->add_flag("--pretty", query.pretty, "With --interactive: indent the echoed events");
  uint16_t run_port = 0;
  run_cmd->add_option("-p,--port", run_port,
                      "Flows: serve the REST API, /metrics and the status page on 127.0.0.1:PORT while running");

  // Listed for --help only: `test` is dispatched above, before parsing.
  app.add_subcommand("test", "Run tests in Tremor's directory format: "
                             "test [all|integration|bench|command|unit] PATH [-i TAG…] [-e TAG…] "
                             "[-t SECS] [-o REPORT.json] [-v]")
    ->allow_extras();

  temblor::run_options check;
  check.check_only = true;
  auto* check_cmd = app.add_subcommand("check", "Load and validate .troy files without running them");
  check_cmd->add_option("files", check.files, "Flow files to check")->required();
  check_cmd->add_flag("-d,--debug-connectors", check.debug_connectors, "Allow the debug connectors");

  temblor::run_options server;
  auto* server_cmd = app.add_subcommand("server", "Tremor's server commands");
  server_cmd->require_subcommand(1);
  auto* server_run = server_cmd->add_subcommand("run", "Deploy .troy files and run until stopped");
  std::string pid_file;
  bool no_api = false;
  std::string api_host = "0.0.0.0:9898";
  uint64_t recursion_limit = 1024;
  server_run->add_option("files", server.files, "Flow files to deploy, in order");
  server_run->add_option("-p,--pid", pid_file, "Write the process id to this file");
  server_run->add_flag("-n,--no-api", no_api, "Do not start the REST API");
  server_run->add_flag("-d,--debug-connectors", server.debug_connectors,
                       "Enable the debug connectors (exit, cb, bench, null)");
  server_run->add_option("-a,--api-host", api_host,
                         "Address of the REST API, /metrics and the status page (default 0.0.0.0:9898; "
                         "127.0.0.1:PORT keeps it off the network)");
  server_run->add_option("-r,--recursion-limit", recursion_limit, "Script recursion limit");
  server_run->add_option("-l,--logger-config", logger_config, "log4rs-style YAML logger configuration");
  server_run->add_option("-i,--instance", instance, "Instance name, shown in logs and metrics");
  server_run->add_option("--log-format", log_format, "Log lines as `text` (default) or `json`")
    ->check(CLI::IsMember({"text", "json"}));
  server_run->add_flag("--keep-serving", server.keep_serving,
                       "Keep running when every flow has failed (default: exit non-zero)");
  size_t io_threads = 0;
  server_run->add_option("--io-threads", io_threads,
                         "Event loops of the I/O layer (default: one per usable CPU, or TEMBLOR_IO_THREADS)");
  run_cmd->add_option("--io-threads", io_threads, "Event loops of the I/O layer");

  auto* connectors_cmd = app.add_subcommand(
    "connectors", "Print the connector reference (types, config keys, defaults) as Markdown");

  std::string dbg_view, dbg_file;
  auto* dbg_cmd = app.add_subcommand("dbg", "Show what the loader makes of a file");
  dbg_cmd->add_flag("-b,--no-banner", "Accepted for Tremor compatibility");
  dbg_cmd->add_flag("-n,--no-highlight", "Accepted for Tremor compatibility");
  dbg_cmd->add_flag("-r,--raw", "Accepted for Tremor compatibility");
  dbg_cmd->add_option("view", dbg_view, "dot (flow graph), ast (resolved deployment), lex (tokens), src")
    ->required()
    ->check(CLI::IsMember({"dot", "ast", "lex", "src"}));
  dbg_cmd->add_option("file", dbg_file, "The .troy (or .trickle/.tremor for lex and src) file")
    ->required();

  std::string new_name;
  auto* new_cmd = app.add_subcommand("new", "Create a project skeleton: a flow, its modules, a test and a README");
  new_cmd->add_option("name", new_name, "Directory to create")->required();

  std::vector<std::string> doc_args;
  auto* doc_cmd = app.add_subcommand(
    "doc", "Write a module's ### and ## doc comments as Markdown: doc FILE.tremor|DIR [OUT_DIR]");
  doc_cmd->add_option("paths", doc_args, "A module file or a directory of them, then the output directory")
    ->required()
    ->expected(1, 2);

  std::string shell;
  auto* completions_cmd = app.add_subcommand("completions", "Print a shell completion script");
  completions_cmd->add_option("shell", shell, "bash, zsh or fish")->required();

  temblor::ops::top_options top;
  auto* status_cmd = app.add_subcommand(
    "status", "Show a running Temblor's flows, connectors and pipelines with their counts and rates "
              "(through its REST API); exit 1 when a flow failed, 2 when the API cannot be read");
  auto* top_cmd = app.add_subcommand(
    "top", "Like status, redrawn in place every interval on a terminal (one-shot output otherwise)");
  for (auto* cmd : {status_cmd, top_cmd}) {
    cmd->add_option("-a,--api-host", top.api, "Address of the REST API (default 127.0.0.1:9898)");
    cmd->add_option("--interval", top.interval_s, "Seconds between reads; rates need two (default 1, 0: counts only)")
      ->check(CLI::Range(0.0, 3600.0));
  }
  top_cmd->add_option("-n,--iterations", top.iterations, "Frames to show, then exit (default: until Ctrl-C)")
    ->check(CLI::NonNegativeNumber);

  // CLI11 only says "A subcommand is required" for a mistyped one.
  if (argc >= 2 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({}))
      names.push_back(sub->get_name());
    std::string given = argv[1];
    if (std::find(names.begin(), names.end(), given) == names.end()) {
      std::fprintf(stderr, "error: unknown command `%s`; %s\n", given.c_str(),
                   temblor::unknown_name_hint(given, names).c_str());
      return 2;
    }
  }

  CLI11_PARSE(app, argc, argv);
  if (*dbg_cmd)
    return temblor::devtools::run_dbg(dbg_view, dbg_file);
  if (*new_cmd) {
    std::string err;
    if (!temblor::devtools::make_project(new_name, err)) {
      std::fprintf(stderr, "error: %s\n", err.c_str());
      return 1;
    }
    std::printf("created %s: see %s/README.md\n", new_name.c_str(), new_name.c_str());
    return 0;
  }
  if (*doc_cmd)
    return write_docs(doc_args);
  if (*completions_cmd) {
    std::string script;
    if (!temblor::devtools::completion_script(shell, script)) {
      std::fprintf(stderr, "error: unknown shell `%s` (bash, zsh, fish)\n", shell.c_str());
      return 2;
    }
    std::fputs(script.c_str(), stdout);
    return 0;
  }
  if (*status_cmd)
    return temblor::ops::run_status(top);
  if (*top_cmd)
    return temblor::ops::run_top(top);
  if (*connectors_cmd) {
    std::fputs(temblor::connectors::reference_markdown(temblor::connectors::builtin_connectors())
                 .c_str(),
               stdout);
    return 0;
  }
  configure_logging(logger_config, log_format, instance);
  temblor::dsl::set_instance_name(instance);
  temblor::dsl::set_recursion_limit(recursion_limit);

  if (*check_cmd)
    return temblor::run_flows(check);
  if (*run_cmd && run.files.size() == 1 &&
      temblor::is_query_or_script(run.files[0])) {
    query.file = run.files[0];
    return temblor::run_query(query);
  }
  server.io_threads = io_threads;
  run.io_threads = io_threads;
  if (*run_cmd) {
    run.debug_connectors = true;
    if (run_port != 0)
      run.api_host = "127.0.0.1:" + std::to_string(run_port);
    run.instance = instance;
    run.version = TEMBLOR_VERSION;
    return temblor::run_flows(run);
  }
  if (!pid_file.empty())
    server.pid_file = pid_file;
  if (!no_api)
    server.api_host = api_host;
  server.instance = instance;
  server.version = TEMBLOR_VERSION;
  return temblor::run_flows(server);
}
