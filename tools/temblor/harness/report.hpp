#pragma once

// The closing summary line and the JSON report written by -o.

#include <string>
#include <vector>

#include "tools/temblor/harness/test_result.hpp"

namespace temblor::harness {

struct summary {
  size_t passed = 0;
  size_t failed = 0;
  size_t skipped = 0;
};

summary summarize(const std::vector<test_result>& results);

/// Returns "N passed, N failed", followed by ", N skipped" when any were.
std::string summary_line(const summary& s);

/// Writes the JSON report; returns false and sets `error` when the file
/// cannot be written.
bool write_json_report(const std::string& path, const std::string& mode,
                       const std::string& root, const std::vector<test_result>& results,
                       double duration_s, std::string& error);

/// Renders the report as a JSON string (what write_json_report writes).
std::string json_report(const std::string& mode, const std::string& root,
                        const std::vector<test_result>& results, double duration_s);

} // namespace temblor::harness
