#include "connectors/common/line_budget.hpp"

#include <cstring>

namespace temblor::connectors::common {

bool line_budget::take(uint64_t& partial, std::string_view chunk) {
  uint64_t now = partial + chunk.size();
  // Searching from the end stops at the last newline, which in line traffic
  // is a few bytes from the end of the chunk.
  if (const void* nl = ::memrchr(chunk.data(), '\n', chunk.size()))
    now = static_cast<uint64_t>(chunk.data() + chunk.size() - static_cast<const char*>(nl) - 1);
  used_ = used_ - partial + now;
  partial = now;
  return limit_ == 0 || used_ <= limit_;
}

void line_budget::release(uint64_t& partial) {
  used_ -= partial;
  partial = 0;
}

} // namespace temblor::connectors::common
