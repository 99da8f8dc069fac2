#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

namespace temblor::harness {

/// What every test of one `temblor test` run shares.
struct run_settings {
  std::string root;     ///< the PATH given, absolute
  std::string self_exe; ///< the running binary, absolute: what `tremor` means
  std::chrono::seconds timeout{120};
  bool verbose = false;
  std::ostream* log = nullptr; ///< progress output for -v; null = quiet
};

} // namespace temblor::harness
