#include "dsl/intrinsics/native_support.hpp"

#include "dsl/interpreter.hpp"

namespace temblor::dsl::intrinsics {

namespace {

// -- std::win ------------------------------------------------------------------
// Only a windowed select that is emitting sets the window's cardinality.

TEMBLOR_NATIVE(win_cardinality) {
  const eval_ctx* c = current_eval_ctx();
  if (!c || c->window_cardinality == 0) {
    err = "win::cardinality can only be used in the target of a windowed select";
    return false;
  }
  out = value(static_cast<unsigned long long>(c->window_cardinality));
  return true;
}

} // namespace

// Adds std::win.
void register_win_natives(native_table& t) {
  t.insert({
    {"win::cardinality", {win_cardinality, 0, 0}},
  });
}

} // namespace temblor::dsl::intrinsics
