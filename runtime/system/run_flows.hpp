#pragma once

// Loads `.troy` files, deploys every flow into one actor system and runs
// until the flows stop (exit connector) or a signal arrives.

#include <optional>
#include <string>
#include <vector>

namespace temblor {

struct run_options {
  std::vector<std::string> files;
  bool debug_connectors = false;
  std::optional<std::string> pid_file;
  /// Load, validate and build every connector, then exit without running.
  bool check_only = false;
  /// Event loops of the I/O layer; 0: one per usable CPU (or TEMBLOR_IO_THREADS).
  size_t io_threads = 0;
  /// Keep running when every flow has failed, instead of exiting non-zero.
  bool keep_serving = false;
  /// Serve the REST API, /metrics and the status page on this `host:port`
  /// (none: no API).
  std::optional<std::string> api_host;
  /// The instance name (`-i`): a label on every metric.
  std::string instance = "tremor";
  /// What GET /v1/version says.
  std::string version;
};

/// Returns the process exit status: 0 after a normal stop; 1 when a flow
/// file failed to load (the errors are printed to stderr first), when a flow
/// failed, or when the graceful stop had to be cut short; 2 when the REST
/// API cannot listen on its address.
int run_flows(const run_options& options);

} // namespace temblor
