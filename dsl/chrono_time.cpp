#include "dsl/chrono_time.hpp"

namespace temblor::dsl::chrono_time {

// First landing: the interface only; the implementation follows.
bool format(int64_t, std::string_view, std::string&, std::string& err) {
  err = "datetime formatting is not implemented yet";
  return false;
}

bool parse(std::string_view, std::string_view, int64_t&, std::string& err) {
  err = "datetime parsing is not implemented yet";
  return false;
}

} // namespace temblor::dsl::chrono_time
