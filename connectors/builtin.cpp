// THE list of builtin connectors. Adding one: a folder, a line here, a line
// in CMakeLists.txt, a test.

#include "connectors/connector.hpp"
#include "connectors/exit/exit.hpp"
#include "connectors/file/file.hpp"
#include "connectors/stdio/stdio.hpp"

namespace temblor::connectors {

const connector_registry& builtin_connectors() {
  static const connector_registry registry = [] {
    connector_registry r;
    r.add(exit_descriptor());
    r.add(file_descriptor());
    r.add(stdio_descriptor());
    return r;
  }();
  return registry;
}

} // namespace temblor::connectors
