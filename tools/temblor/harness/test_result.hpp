#pragma once

// The outcome of one test, as printed and as written to the -o report.

#include <optional>
#include <string>
#include <vector>

namespace temblor::harness {

enum class outcome { passed, failed, skipped };

struct test_result {
  std::string name; ///< path relative to PATH ("file_read"), or "suite/case"
  std::string kind; ///< integration, bench, command, unit
  std::string path; ///< directory or file the test came from
  std::vector<std::string> tags;
  outcome result = outcome::passed;
  std::vector<std::string> failures; ///< why it failed, one line each
  std::string skip_reason;
  std::optional<int> exit_code;  ///< main process exit code, if it exited
  std::string exit_description;  ///< "exit status 1", "killed by signal 9 (Killed)"
  double duration_s = 0;
  size_t checks = 0;                  ///< assertions evaluated
  std::vector<std::string> throughput; ///< bench: throughput lines from stdout
  std::string stdout_log;              ///< logs worth showing when it failed
  std::string stderr_log;

  void fail(std::string why) {
    result = outcome::failed;
    failures.push_back(std::move(why));
  }
};

} // namespace temblor::harness
