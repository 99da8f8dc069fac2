#pragma once

// Native functions bound to stdlib `intrinsic fn … as mod::name`
// declarations. One explicit table (no static self-registration).

#include <string>
#include <vector>

#include "dsl/ast.hpp"

namespace temblor::dsl {

struct native_entry {
  native_fn fn = nullptr;
  size_t min_args = 0;
  size_t max_args = 0; ///< SIZE_MAX for varargs
};

/// Looks up a native by its qualified name (`string::lowercase`,
/// `time::nanos::from_millis`); nullptr when unknown.
const native_entry* find_native(const std::string& name);

/// Sets what `tremor::system::instance()` returns (the CLI's `-i`, default
/// "tremor"). Call once at startup, before any pipeline runs.
void set_instance_name(std::string name);

/// Lists every native name (tests walk it).
std::vector<std::string> native_names();

} // namespace temblor::dsl
