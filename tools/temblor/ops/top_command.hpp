#pragma once

// `temblor status` and `temblor top`: the numbers of a running Temblor,
// read through its REST API, per flow, connector and pipeline.

#include <string>

namespace temblor::ops {

struct top_options {
  std::string api = "127.0.0.1:9898";  ///< host:port of the REST API
  double interval_s = 1;               ///< between the two reports a rate needs, and between frames
  long iterations = 0;                 ///< top: frames to show before exiting (0 = until interrupted)
};

/// `status`: one report (two reads `interval_s` apart for the rates, one
/// when it is 0). Returns 0 when every flow is healthy, 1 when one failed
/// (/v1/status answered 503), 2 when the API cannot be read.
int run_status(const top_options& options);

/// `top`: on a terminal, redraws the report in place every `interval_s`
/// until interrupted (or `iterations` frames); otherwise behaves as
/// `status`, plain one-shot output for pipes and scripts.
int run_top(const top_options& options);

} // namespace temblor::ops
