#pragma once

// `temblor run FILE.trickle|FILE.tremor`: runs a query or script over a file
// of events (Tremor's way to try one out), without deploying a flow.

#include <string>

namespace temblor {

struct query_run_options {
  std::string file;            ///< the .trickle or .tremor file
  std::string infile;          ///< events to read; empty = stdin
  std::string outfile;         ///< where `out` events go; empty = stdout
  std::string decoder = "json";
  std::string encoder = "json";
  std::string preprocessor = "separate";
  std::string postprocessor = "separate";
  bool interactive = false;    ///< echo every input event to stderr before its outputs
  bool pretty = false;         ///< indent the echoed events
};

/// Returns whether `path` names a .trickle query or a .tremor script.
bool is_query_or_script(const std::string& path);

/// Returns the exit status: 0 when every event was processed, 1 when the
/// file failed to load or the input could not be read.
int run_query(const query_run_options& options);

} // namespace temblor
