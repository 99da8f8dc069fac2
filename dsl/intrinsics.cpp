#include "dsl/intrinsics.hpp"

#include <algorithm>

#include "dsl/intrinsics/native_support.hpp"

namespace temblor::dsl {

namespace {

using intrinsics::native_table;

// One explicit table, filled family by family (dsl/intrinsics/); names are
// unique across families.
const native_table& table() {
  static const native_table t = [] {
    native_table all;
    intrinsics::register_datetime_natives(all);
    intrinsics::register_string_natives(all);
    intrinsics::register_array_record_natives(all);
    intrinsics::register_math_types_natives(all);
    intrinsics::register_encoding_natives(all);
    intrinsics::register_system_origin_chash_natives(all);
    intrinsics::register_re_natives(all);
    intrinsics::register_otel_natives(all);
    intrinsics::register_win_natives(all);
    intrinsics::register_test_natives(all);
    return all;
  }();
  return t;
}

} // namespace

const native_entry* find_native(const std::string& name) {
  const auto& t = table();
  // Tremor 0.13's module files name natives by their full path,
  // `core::string::len`; 0.12's say `string::len`. Both bind.
  static const std::string core = "core::";
  auto it = name.compare(0, core.size(), core) == 0 ? t.find(name.substr(core.size()))
                                                    : t.find(name);
  return it == t.end() ? nullptr : &it->second;
}

std::vector<std::string> native_names() {
  std::vector<std::string> names;
  for (const auto& [k, v] : table())
    names.push_back(k);
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace temblor::dsl
