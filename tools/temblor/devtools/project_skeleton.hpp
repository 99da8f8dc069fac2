#pragma once

// `temblor new NAME`: a project a newcomer can run and test at once: a flow
// in main.troy using its own modules in lib/, an integration test in
// Tremor's format, and a README saying how to run both.

#include <string>

namespace temblor::devtools {

/// Creates directory `name` with the skeleton; false with `err` when it
/// exists already or cannot be written.
bool make_project(const std::string& name, std::string& err);

} // namespace temblor::devtools
