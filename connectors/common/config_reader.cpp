#include "connectors/common/config_reader.hpp"

#include <vector>

#include "runtime/core/suggest.hpp"

namespace temblor::connectors::common {

bool check_keys(const value& config, std::string_view where,
                std::initializer_list<std::string_view> allowed, std::string& err) {
  if (config.is_null())
    return true;
  if (!config.is_record()) {
    err = "`" + std::string(where) + "` must be a record, not " +
          std::string(kind_name(config.kind()));
    return false;
  }
  for (const auto& [key, v] : config.as_record()) {
    (void)v;
    bool known = false;
    for (auto name : allowed)
      known = known || name == key;
    if (!known) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      err = "unknown key `" + key + "` in `" + std::string(where) + "`; " +
            unknown_name_hint(key, names);
      return false;
    }
  }
  return true;
}

bool read_string(const value& config, std::string_view key, std::string& out,
                 std::string& err) {
  const value* v = config.get(key);
  if (v == nullptr || v->is_null()) {
    err = "missing required key `" + std::string(key) + "`";
    return false;
  }
  return read_optional_string(config, key, out, err);
}

bool read_optional_string(const value& config, std::string_view key, std::string& out,
                          std::string& err) {
  const value* v = config.get(key);
  if (v == nullptr || v->is_null())
    return true;
  if (!v->is_string()) {
    err = "`" + std::string(key) + "` must be a string, not " + std::string(kind_name(v->kind()));
    return false;
  }
  out = v->as_string();
  return true;
}

bool read_optional_bool(const value& config, std::string_view key, bool& out,
                        std::string& err) {
  const value* v = config.get(key);
  if (v == nullptr || v->is_null())
    return true;
  if (!v->is_bool()) {
    err = "`" + std::string(key) + "` must be a bool, not " + std::string(kind_name(v->kind()));
    return false;
  }
  out = v->as_bool();
  return true;
}

bool read_optional_uint(const value& config, std::string_view key, uint64_t max,
                        uint64_t& out, std::string& err) {
  const value* v = config.get(key);
  if (v == nullptr || v->is_null())
    return true;
  uint64_t n = 0;
  if (!v->get_u64(n) || n > max) {
    err = "`" + std::string(key) + "` must be an integer between 0 and " + std::to_string(max);
    return false;
  }
  out = n;
  return true;
}

} // namespace temblor::connectors::common
