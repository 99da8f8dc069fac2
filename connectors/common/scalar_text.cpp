#include "connectors/common/scalar_text.hpp"

namespace temblor::connectors::common {

bool scalar_text(const value& v, std::string& out) {
  if (v.is_string()) {
    out = v.as_string();
    return true;
  }
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  if (v.get_i64(i)) {
    out = std::to_string(i);
    return true;
  }
  if (v.get_u64(u)) {
    out = std::to_string(u);
    return true;
  }
  if (v.get_f64(d)) {
    out = std::to_string(d);
    return true;
  }
  if (v.is_bool()) {
    out = v.as_bool() ? "true" : "false";
    return true;
  }
  return false;
}

} // namespace temblor::connectors::common
