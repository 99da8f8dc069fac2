#include "tools/temblor/devtools/project_skeleton.hpp"

#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

namespace temblor::devtools {

namespace fs = std::filesystem;

namespace {

const char* main_troy = R"(## Reads JSON lines from in.json, keeps those with a `level` of "error",
## and writes them to out.json; the line "exit" stops it.
define flow main
flow
  use lib::pipelines;
  use lib::flows;

  create connector input from flows::json_lines_in with file = "in.json" end;
  create connector output from flows::json_lines_out with file = "out.json" end;
  create connector exit from flows::stop;
  create pipeline errors from pipelines::only_errors;

  connect /connector/input to /pipeline/errors;
  connect /pipeline/errors/out to /connector/output;
  connect /pipeline/errors/exit to /connector/exit;
end;

deploy flow main;
)";

const char* flows_tremor = R"(### Connectors of this project.

## JSON lines from `file`.
define connector json_lines_in from file
args
  file
with
  codec = "json",
  preprocessors = ["separate"],
  config = {"path": args.file, "mode": "read"}
end;

## JSON lines to `file`, truncated when the flow starts.
define connector json_lines_out from file
args
  file
with
  codec = "json",
  postprocessors = ["separate"],
  config = {"path": args.file, "mode": "truncate"}
end;

## Stops the process.
define connector stop from exit;
)";

const char* pipelines_tremor = R"(### Pipelines of this project.

## Keeps events whose `level` is "error"; the string "exit" goes to `exit`.
define pipeline only_errors
into out, exit
pipeline
  use lib::scripts;
  select event from in where event == "exit" into exit;
  select scripts::tag(event) from in where event != "exit" and event.level == "error" into out;
end;
)";

const char* scripts_tremor = R"(### Functions of this project.

## Adds `"seen": true` to a record.
fn tag(e) with
  merge e of {"seen": true} end
end;
)";

const char* sample_input = R"({"level": "info", "msg": "all good"}
{"level": "error", "msg": "disk full"}
"exit"
)";

const char* expected_output = R"({"level":"error","msg":"disk full","seen":true}
)";

const char* test_flow = R"(# The project's flow against a fixed input; the harness compares out.json.
define flow main
flow
  use lib::pipelines;
  use lib::flows;
  create connector input from flows::json_lines_in with file = "in.json" end;
  create connector output from flows::json_lines_out with file = "out.json" end;
  create connector exit from flows::stop;
  create pipeline errors from pipelines::only_errors;
  connect /connector/input to /pipeline/errors;
  connect /pipeline/errors/out to /connector/output;
  connect /pipeline/errors/exit to /connector/exit;
end;
deploy flow main;
)";

std::string readme(const std::string& name) {
  return "# " + name + R"(

A Tremor flow project, made by `temblor new`.

- `main.troy` deploys the flow `main`: it reads `in.json`, keeps the events
  whose `level` is "error" and writes them to `out.json`; the line `"exit"`
  stops it (without it, the flow runs until Ctrl-C).
- `lib/` holds its modules (`flows`, `pipelines`, `scripts`); `TREMOR_PATH`
  must include this directory so `use lib::…` finds them.
- `tests/integration/errors_only` runs the flow on a fixed input and checks
  the output.

Run it (relative paths are relative to the working directory; `run`
enables the `exit` connector, which `server run` needs `-d` for):

    cp tests/integration/errors_only/in.json .
    TREMOR_PATH=$PWD temblor run main.troy
    cat out.json

Test it:

    TREMOR_PATH=$PWD temblor test integration tests
)";
}

} // namespace

bool make_project(const std::string& name, std::string& err) {
  fs::path root(name);
  std::error_code ec;
  if (fs::exists(root, ec)) {
    err = "`" + name + "` exists already";
    return false;
  }
  std::string project = root.filename().string();
  std::vector<std::pair<fs::path, std::string>> files = {
    {"main.troy", main_troy},
    {"README.md", readme(project)},
    {"lib/flows.tremor", flows_tremor},
    {"lib/pipelines.tremor", pipelines_tremor},
    {"lib/scripts.tremor", scripts_tremor},
    {"tests/meta.yaml", "{\"kind\": \"Integration\", \"includes\": \"integration/*\"}\n"},
    {"tests/integration/errors_only/tags.yaml", "- example\n"},
    {"tests/integration/errors_only/flow.troy", test_flow},
    {"tests/integration/errors_only/in.json", sample_input},
    {"tests/integration/errors_only/expected.json", expected_output},
    {"tests/integration/errors_only/assert.yaml",
     "status: 0\nname: \"only errors reach out.json\"\nasserts:\n  - source: out.json\n"
     "    equals_file: expected.json\n"},
  };
  for (const auto& [rel, text] : files) {
    fs::create_directories((root / rel).parent_path(), ec);
    std::ofstream out(root / rel);
    out << text;
    if (!out) {
      err = "cannot write " + (root / rel).string();
      return false;
    }
  }
  return true;
}

} // namespace temblor::devtools
