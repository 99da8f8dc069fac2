#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dsl/json_text.hpp"
#include "dsl_test_support.hpp"

using namespace temblor;
using namespace temblor::dsl;
using namespace temblor::dsl::test;

namespace {

const connector_instance* find_connector(const flow_instance& f, const std::string& alias) {
  for (const auto& c : f.connectors)
    if (c.alias == alias)
      return &c;
  return nullptr;
}

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    char tmpl[] = "/tmp/temblor_dsl_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write(const std::string& rel, const std::string& text) {
    auto p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
};

} // namespace

TEST_SUITE("dsl.deployment") {

TEST_CASE("flow args flow into connector configs and are constant folded") {
  auto l = load(R"(
    define flow f
    args port = 1, name = "x"
    flow
      use std::time::nanos;
      define connector c from file
      args path
      with
        codec = "json",
        config = {"path": args.path, "delay": nanos::from_millis(100), "sum": 1_000 + 1}
      end;
      create connector c with path = "#{args.name}.json" end;
    end;
    deploy flow one from f with name = "y" end;
    deploy flow two from f;
  )");
  REQUIRE_MESSAGE(l->ok, l->diags.render());
  REQUIRE(l->dep.flows.size() == 2);
  CHECK(l->dep.flows[0].alias == "one");
  const auto* c = find_connector(l->dep.flows[0], "c");
  REQUIRE(c);
  CHECK(c->type == "file");
  CHECK(to_json(c->with, true) ==
        R"({"codec":"json","config":{"delay":100000000,"path":"y.json","sum":1001}})");
  CHECK(find_connector(l->dep.flows[1], "c")->with.get("config")->get("path")->as_string() ==
        "x.json");
}

TEST_CASE("argument defaults may call functions of the defining scope") {
  auto l = load(R"(
    use std::time::nanos;
    define flow f
    args delay = nanos::from_millis(2)
    flow
      define connector c from exit
      args d = nanos::from_seconds(1)
      with
        config = {"delay": args.d, "flow_delay": 0}
      end;
      define pipeline p
      args x = nanos::from_micros(3)
      pipeline
        select args.x from in into out;
      end;
      use std::time::nanos;
      create connector c;
      create connector c2 from c with d = args.delay end;
      create pipeline p;
    end;
    deploy flow f;
  )");
  REQUIRE_MESSAGE(l->ok, l->diags.render());
  CHECK(find_connector(l->dep.flows[0], "c")->with.get("config")->get("delay")->as_i64_unchecked() ==
        1000000000);
  CHECK(find_connector(l->dep.flows[0], "c2")->with.get("config")->get("delay")->as_i64_unchecked() ==
        2000000);
}

TEST_CASE("unknown and missing arguments are reported") {
  auto l = load(R"(
    define flow f
    args required
    flow
    end;
    deploy flow f with nope = 1 end;
  )");
  CHECK_FALSE(l->ok);
  std::string text = l->diags.render();
  CHECK(text.find("`with` parameter \"nope\" does not correspond to an argument in the target "
                  "definition \"f\"") != std::string::npos);
  CHECK(text.find("Missing required argument `required`") != std::string::npos);
}

TEST_CASE("connect checks aliases and ports and refuses connector to connector") {
  auto l = load(R"(
    define flow f
    flow
      use tremor::connectors;
      create connector a from connectors::console;
      create connector b from connectors::console;
      create pipeline p from tremor::pipelines::passthrough;
      connect /connector/a to /connector/b;
      connect /connector/zz to /pipeline/p;
      connect /pipeline/p/nope to /connector/b;
      connect /connector/a/out to /pipeline/p;
    end;
    deploy flow f;
  )");
  CHECK_FALSE(l->ok);
  std::string text = l->diags.render();
  CHECK(text.find("A connector can't be connected to a connector directly") != std::string::npos);
  CHECK(text.find("Unknown connector `zz` in `connect`") != std::string::npos);
  CHECK(text.find("Pipeline `p` has no output port `nope`") != std::string::npos);
}

TEST_CASE("ports default to out on the source side and in on the target side") {
  auto l = load(R"(
    define flow f
    flow
      use tremor::connectors;
      use tremor::pipelines;
      create connector console from connectors::console;
      create pipeline pass from pipelines::passthrough;
      connect /connector/console to /pipeline/pass;
      connect /pipeline/pass to /connector/console;
    end;
    deploy flow f;
  )");
  REQUIRE_MESSAGE(l->ok, l->diags.render());
  const auto& f = l->dep.flows[0];
  REQUIRE(f.connections.size() == 2);
  CHECK(f.connections[0].from.port == "out");
  CHECK(f.connections[0].to.port == "in");
  CHECK(f.connections[1].from.node == endpoint::kind::pipeline);
  CHECK(f.connections[1].to.port == "in");
  const auto* c = find_connector(f, "console");
  REQUIRE(c);
  CHECK(c->type == "stdio");
  CHECK(to_json(c->with, true) ==
        R"({"codec":"string","postprocessors":["separate"],"preprocessors":["separate"]})");
}

TEST_CASE("an unknown operator fails the load with its qualified name") {
  auto l = load(R"(
    define flow f
    flow
      define pipeline p
      pipeline
        define operator o from op::unknown;
        create operator o;
        select event from in into o;
      end;
      create pipeline p;
    end;
    deploy flow f;
  )");
  CHECK_FALSE(l->ok);
  CHECK(l->diags.render().find("Unknown operator: op::unknown") != std::string::npos);
}

TEST_CASE("unknown connector types are kept for the runtime to judge") {
  auto l = load(R"(
    define flow f
    flow
      define connector c from ws_clinet;
      create connector c;
    end;
    deploy flow f;
  )");
  REQUIRE_MESSAGE(l->ok, l->diags.render());
  const auto* c = find_connector(l->dep.flows[0], "c");
  REQUIRE(c);
  CHECK(c->type == "ws_clinet");
  CHECK(c->type_span.begin.line == 4);
  CHECK(c->type_span.begin.column == 31);
}

TEST_CASE("modules resolve through TREMOR_PATH before the stdlib") {
  temp_dir dir;
  dir.write("my/lib.tremor", R"(
    define connector out from file with config = {"path": "mine"} end;
    define pipeline p pipeline select "mine" from in into out; end;
  )");
  dir.write("integration.tremor", R"(
    define connector write_file from file with config = {"path": "shadowed"} end;
  )");
  setenv("TREMOR_PATH", (dir.path.string() + ":/nonexistent/dir").c_str(), 1);
  load_options opts;
  opts.module_path = module_path_from_env();
  unsetenv("TREMOR_PATH");
  REQUIRE(opts.module_path.size() == 1);
  auto l = load(R"(
    define flow f
    flow
      use my::lib as m;
      use integration;
      create connector a from m::out;
      create connector b from integration::write_file;
      create pipeline p from m::p;
    end;
    deploy flow f;
  )", opts);
  REQUIRE_MESSAGE(l->ok, l->diags.render());
  CHECK(find_connector(l->dep.flows[0], "a")->with.get("config")->get("path")->as_string() ==
        "mine");
  CHECK(find_connector(l->dep.flows[0], "b")->with.get("config")->get("path")->as_string() ==
        "shadowed");
}

TEST_CASE("cyclic use is an error and modules may use other modules") {
  temp_dir dir;
  dir.write("a.tremor", "use b;\ndefine connector x from file;\n");
  dir.write("b.tremor", "use a;\n");
  dir.write("c.tremor", "use d;\ndefine connector y from file with config = {\"v\": d::V} end;\n");
  dir.write("d.tremor", "const V = 1 + 1;\n");
  load_options opts;
  opts.module_path.push_back(dir.path.string());
  auto cyclic = load("use a;\ndefine flow f flow end;\ndeploy flow f;\n", opts);
  CHECK_FALSE(cyclic->ok);
  CHECK(cyclic->diags.render().find("Cyclic dependency detected: " + (dir.path / "a.tremor").string() +
                                    " -> " + (dir.path / "b.tremor").string()) != std::string::npos);
  auto nested = load(R"(
    define flow f
    flow
      use c;
      create connector y from c::y;
    end;
    deploy flow f;
  )", opts);
  REQUIRE_MESSAGE(nested->ok, nested->diags.render());
  CHECK(to_json(nested->dep.flows[0].connectors[0].with, true) == R"({"config":{"v":2}})");
}

TEST_CASE("module functions and constants fold into connector configs") {
  temp_dir dir;
  dir.write("paths.tremor", R"(
    use std::string;
    const ROOT = "/data/";
    fn under_root(name) with ROOT + string::lowercase(name) end;
    define connector reader from file
    args name = "IN.json"
    with
      config = {"path": under_root(args.name), "mode": "read"}
    end;
  )");
  load_options opts;
  opts.module_path.push_back(dir.path.string());
  auto l = load(R"(
    use paths;
    define flow f
    flow
      create connector a from paths::reader;
      create connector b from paths::reader with name = "Other.JSON" end;
    end;
    deploy flow f;
  )", opts);
  REQUIRE_MESSAGE(l->ok, l->diags.render());
  CHECK(find_connector(l->dep.flows[0], "a")->with.get("config")->get("path")->as_string() ==
        "/data/in.json");
  CHECK(find_connector(l->dep.flows[0], "b")->with.get("config")->get("path")->as_string() ==
        "/data/other.json");
}

TEST_CASE("a with value that fails to evaluate is a load error with its span") {
  auto l = load(R"(
    define flow f
    flow
      define connector c from file with config = {"x": 1 + "a"} end;
      create connector c;
    end;
    deploy flow f;
  )");
  CHECK_FALSE(l->ok);
  REQUIRE(l->diags.all().size() == 1);
  CHECK(l->diags.all()[0].span.begin.line == 4);
}

TEST_CASE("use is scoped to the flow that declares it") {
  auto l = load(R"(
    define flow a
    flow
      use tremor::connectors;
      create connector c from connectors::exit;
    end;
    define flow b
    flow
      create connector c from connectors::exit;
    end;
    deploy flow a;
    deploy flow b;
  )");
  CHECK_FALSE(l->ok);
  CHECK(l->diags.all().size() == 1);
}

TEST_CASE("a missing module is an error naming it") {
  auto l = load("use nope::nothing;\ndefine flow f flow end;\ndeploy flow f;\n");
  CHECK_FALSE(l->ok);
  CHECK(l->diags.render().find("Module `nope::nothing` not found or not readable error in module path:") != std::string::npos);
}

TEST_CASE("grouped use imports several modules") {
  auto l = load(R"(
    use tremor::{connectors, pipelines as pl};
    define flow f
    flow
      create connector exit from connectors::exit;
      create pipeline p from pl::passthrough;
      connect /pipeline/p to /connector/exit;
    end;
    deploy flow f;
  )");
  REQUIRE_MESSAGE(l->ok, l->diags.render());
  CHECK(l->dep.flows[0].connectors[0].type == "exit");
}

TEST_CASE("syntax errors are collected across statements") {
  auto l = load(R"(
    define flow a
    flow
      create connector x from;
      create pipeline y from tremor::pipelines::passthrough;
      connect /connector/ to /pipeline/y;
    end;
    deploy flow a;
  )");
  CHECK_FALSE(l->ok);
  CHECK(l->diags.all().size() == 2);
}

}

TEST_SUITE("dsl.deployment") {

TEST_CASE("#!config from and into replace a pipeline's declared ports") {
  auto l = load(R"(
    define flow f
    flow
      define pipeline p
      pipeline
        #!config from = "left,right"
        #!config into = "up,down,err"
        select event from left into up;
        select event from right into down;
      end;
      create pipeline p;
    end;
    deploy flow f;
  )");
  REQUIRE_MESSAGE(l->ok, l->diags.render());
  const auto& p = l->dep.flows[0].pipelines[0];
  CHECK(p.in_ports == std::vector<std::string>{"left", "right"});
  CHECK(p.out_ports == std::vector<std::string>{"up", "down", "err"});
}

}
