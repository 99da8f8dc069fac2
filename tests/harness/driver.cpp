// harness_driver: runs `temblor test` without the runtime, so the harness's
// self-tests work before (and independently of) the temblor CLI. A leading
// `test` word is accepted so it is invoked exactly like `temblor test …`.

#include <string>
#include <vector>

#include "tools/temblor/harness/test_command.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args{argv + 1, argv + argc};
  if (!args.empty() && args.front() == "test")
    args.erase(args.begin());
  return temblor::harness::run_test_command(args, argv[0]);
}
