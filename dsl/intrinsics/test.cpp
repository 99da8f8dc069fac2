#include "dsl/intrinsics/native_support.hpp"

#include "dsl/interpreter.hpp"
#include "dsl/unit_suite.hpp"

namespace temblor::dsl::intrinsics {

namespace {

// -- std::test -------------------------------------------------------------------

// `test::suite({"name": …, "tags": […], "tests": [test::test(…), …]})`.
TEMBLOR_NATIVE(test_suite) {
  TEMBLOR_WANT_REC(0, "test::suite");
  const value* name = rec0.find("name");
  const value* tests = rec0.find("tests");
  if (!name || !name->is_string() || !tests || !tests->is_array()) {
    err = "test::suite needs a record with a string `name` and an array of `tests`";
    return false;
  }
  record_unit_suite(a[0]);
  out = a[0];
  return true;
}

// `test::test({"name": …, "tags": […], "test": <true when it passes>})`.
TEMBLOR_NATIVE(test_test) {
  TEMBLOR_WANT_REC(0, "test::test");
  const value* name = rec0.find("name");
  if (!name || !name->is_string() || !rec0.find("test")) {
    err = "test::test needs a record with a string `name` and a `test`";
    return false;
  }
  out = a[0];
  return true;
}

// True when `got` equals `expected`; otherwise a record naming both, so the
// suite goes on and the runner can say what differed.
TEMBLOR_NATIVE(test_assert) {
  if (script_eq(a[1], a[2])) {
    out = value(true);
    return true;
  }
  record r;
  r.set("assert", a[0]);
  r.set("expected", a[1]);
  r.set("got", a[2]);
  out = value(std::move(r));
  return true;
}

} // namespace

// Adds std::test.
void register_test_natives(native_table& t) {
  t.insert({
    {"test::suite", {test_suite, 1, 1}},
    {"test::test", {test_test, 1, 1}},
    {"test::assert", {test_assert, 3, 3}},
  });
}

} // namespace temblor::dsl::intrinsics
