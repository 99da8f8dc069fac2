// The temblor command line: Tremor's spelling of `server run`, `run` and
// `test`, so existing scripts keep working.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>

#include "connectors/reference.hpp"
#include "dsl/intrinsics.hpp"
#include "runtime/system/log.hpp"
#include "runtime/system/run_flows.hpp"
#include "runtime/system/run_query.hpp"
#include "tools/temblor/harness/test_command.hpp"

namespace {

std::string self_executable(const char* argv0) {
  std::vector<char> buf(4096);
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n > 0)
    return std::string(buf.data(), static_cast<size_t>(n));
  return argv0;
}

// RUST_LOG first (Tremor users set it), then the log4rs file's root level.
void configure_logging(const std::string& logger_config) {
  temblor::log::level level = temblor::log::level::info;
  if (const char* env = std::getenv("RUST_LOG"))
    temblor::log::parse_level(env, level);
  if (!logger_config.empty()) {
    try {
      auto root = YAML::LoadFile(logger_config)["root"];
      if (root && root["level"])
        temblor::log::parse_level(root["level"].as<std::string>(), level);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "warning: cannot read logger config %s: %s\n", logger_config.c_str(),
                   e.what());
    }
  }
  temblor::log::set_level(level);
}

} // namespace

int main(int argc, char** argv) {
  std::string self = self_executable(argv[0]);
  // The harness parses its own arguments (Tremor's `test` grammar).
  if (argc >= 2 && std::string(argv[1]) == "test")
    return temblor::harness::run_test_command(std::vector<std::string>(argv + 2, argv + argc), self);

  CLI::App app{"Temblor: runs Tremor flow files (.troy) on an actor runtime", "temblor"};
  app.set_version_flag("-V,--version", std::string("temblor ") + TEMBLOR_VERSION);
  app.require_subcommand(1);
  std::string instance = "tremor";
  std::string logger_config;
  app.add_option("-i,--instance", instance, "Instance name, shown in logs and metrics");
  app.add_option("-l,--logger-config", logger_config, "log4rs-style YAML logger configuration");

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
  server_run->add_option("-a,--api-host", api_host, "REST API address (not served yet)");
  server_run->add_option("-r,--recursion-limit", recursion_limit, "Script recursion limit");
  server_run->add_option("-l,--logger-config", logger_config, "log4rs-style YAML logger configuration");
  server_run->add_flag("--keep-serving", server.keep_serving,
                       "Keep running when every flow has failed (default: exit non-zero)");
  size_t io_threads = 0;
  server_run->add_option("--io-threads", io_threads,
                         "Event loops of the I/O layer (default: one per usable CPU, or TEMBLOR_IO_THREADS)");
  run_cmd->add_option("--io-threads", io_threads, "Event loops of the I/O layer");

  auto* connectors_cmd = app.add_subcommand(
    "connectors", "Print the connector reference (types, config keys, defaults) as Markdown");

  CLI11_PARSE(app, argc, argv);
  if (*connectors_cmd) {
    std::fputs(temblor::connectors::reference_markdown(temblor::connectors::builtin_connectors())
                 .c_str(),
               stdout);
    return 0;
  }
  configure_logging(logger_config);
  temblor::dsl::set_instance_name(instance);

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
    return temblor::run_flows(run);
  }
  if (!pid_file.empty())
    server.pid_file = pid_file;
  return temblor::run_flows(server);
}
