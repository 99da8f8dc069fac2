#include <doctest/doctest.h>

#include "dsl/json_text.hpp"
#include "dsl_test_support.hpp"

using namespace temblor;
using namespace temblor::dsl;
using namespace temblor::dsl::test;

namespace {

value js(const std::string& s) {
  value v;
  std::string err;
  REQUIRE_MESSAGE(from_json(s, v, err), err);
  return v;
}

std::string dump(const pipeline_output& out) {
  std::string s;
  for (const auto& e : out.events)
    s += e.port + " " + to_json(e.ev.payload, true) + "\n";
  return s;
}

std::unique_ptr<pipeline_runner> runner_for(const std::string& body, const std::string& header = "",
                                            const std::string& with = "") {
  std::string errors;
  auto prog = compile(body, &errors, header, with);
  REQUIRE_MESSAGE(static_cast<bool>(prog), errors);
  return make_pipeline_runner(*prog);
}

} // namespace

TEST_SUITE("dsl.pipeline_runner") {

TEST_CASE("where filters and several selects route to several ports") {
  auto r = runner_for(R"(
    select event from in where event != "exit" into out;
    select {"exit": 0} from in where event == "exit" into exit;
  )", "into out, exit");
  pipeline_output out;
  r->process("in", make_event(js(R"({"a":1})")), out);
  r->process("in", make_event(value("exit")), out);
  CHECK(dump(out) == "out {\"a\":1}\nexit {\"exit\":0}\n");
  CHECK(out.errors.empty());
}

TEST_CASE("the select target replaces the payload and keeps metadata") {
  auto r = runner_for(R"(select {"x": event.a, "m": $m} from in into out;)");
  pipeline_output out;
  r->process("in", make_event(js(R"({"a": 5})"), js(R"({"m": "meta"})")), out);
  REQUIRE(out.events.size() == 1);
  CHECK(to_json(out.events[0].ev.payload, true) == R"({"m":"meta","x":5})");
  CHECK(to_json(out.events[0].ev.meta, true) == R"({"m":"meta"})");
}

TEST_CASE("a select runtime error is rendered and the event dropped") {
  auto r = runner_for("select event.missing from in into out;");
  pipeline_output out;
  r->process("in", make_event(js(R"({"a": 1})")), out);
  CHECK(out.events.empty());
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0] == "Error: \n"
                         "    5 | select event.missing from in into out;\n"
                         "      |              ^^^^^^^ Trying to access a non existing event key `missing`\n"
                         "\n");
}

TEST_CASE("pipeline args are readable in selects and can be set by create") {
  auto r = runner_for(R"(select {"delay": args.delay} from in into out;)", "args delay = 0",
                      " with delay = 7 end");
  pipeline_output out;
  r->process("in", make_event(value(1)), out);
  CHECK(dump(out) == "out {\"delay\":7}\n");
}

TEST_CASE("streams chain selects and having filters after the target") {
  auto r = runner_for(R"(
    create stream mid;
    select {"v": event.v * 2} from in into mid;
    select event from mid into out having event.v > 2;
  )");
  pipeline_output out;
  r->process("in", make_event(js(R"({"v": 1})")), out);
  r->process("in", make_event(js(R"({"v": 2})")), out);
  CHECK(dump(out) == "out {\"v\":4}\n");
}

TEST_CASE("scripts emit to ports and drop and keep state and send errors to err") {
  auto r = runner_for(R"(
    define script s
    state 0
    script
      let state = state + 1;
      match event of
        case "drop" => drop
        case "side" => emit {"side": state} => "side"
        case "bad" => event.nope
        case _ => {"n": state, "e": event}
      end
    end;
    create script s;
    select event from in into s;
    select event from s into out;
    select event from s/side into side;
    select event from s/err into err;
  )", "into out, side, err");
  pipeline_output out;
  r->process("in", make_event(value("a")), out);
  r->process("in", make_event(value("drop")), out);
  r->process("in", make_event(value("side")), out);
  r->process("in", make_event(value("bad")), out);
  REQUIRE(out.events.size() == 3);
  CHECK(out.events[0].port == "out");
  CHECK(to_json(out.events[0].ev.payload, true) == R"({"e":"a","n":1})");
  CHECK(out.events[1].port == "side");
  CHECK(to_json(out.events[1].ev.payload, true) == R"({"side":3})");
  CHECK(out.events[2].port == "err");
  const value& err = out.events[2].ev.payload;
  REQUIRE(err.is_record());
  CHECK(*err.get("event") == value("bad"));
  // `event.nope` on a string: Tremor's type conflict text.
  CHECK(err.get("error")->as_string().find("Conflicting types, got string but expected record") !=
        std::string::npos);
}

TEST_CASE("a script whose last expression is a let emits the modified event") {
  auto r = runner_for(R"(
    define script s
    script
      let event.added = true
    end;
    create script s;
    select event from in into s;
    select event from s into out;
  )");
  pipeline_output out;
  r->process("in", make_event(js(R"({"a": 1})")), out);
  CHECK(dump(out) == "out {\"a\":1,\"added\":true}\n");
}

TEST_CASE("generic::batch groups events and merges ids and flushes on timeout") {
  auto r = runner_for(R"(
    define operator b from generic::batch with count = 2, timeout = 1000 end;
    create operator b;
    select event from in into b;
    select event from b into out;
  )");
  CHECK(r->tick_interval_ns() == 1000);
  pipeline_output out;
  event e1 = make_event(value(1));
  e1.id = event_id(1, 0, 1);
  event e2 = make_event(value(2));
  e2.id = event_id(1, 0, 2);
  r->process("in", std::move(e1), out);
  CHECK(out.events.empty());
  r->process("in", std::move(e2), out);
  REQUIRE(out.events.size() == 1);
  CHECK(to_json(out.events[0].ev.payload) == "[1,2]");
  REQUIRE(out.events[0].ev.id.origins().size() == 1);
  CHECK(out.events[0].ev.id.origins()[0].min_pull == 1);
  CHECK(out.events[0].ev.id.origins()[0].max_pull == 2);
  r->process("in", make_event(value(3)), out);
  r->tick(UINT64_MAX / 2, out);
  REQUIRE(out.events.size() == 2);
  CHECK(to_json(out.events[1].ev.payload) == "[3]");
}

TEST_CASE("flush empties a partial batch") {
  auto r = runner_for(R"(
    define operator b from generic::batch with count = 10 end;
    create operator b;
    select event from in into b;
    select event from b into out;
  )");
  pipeline_output out;
  r->process("in", make_event(value(1)), out);
  r->flush(out);
  CHECK(dump(out) == "out [1]\n");
}

TEST_CASE("group by each produces one event per element with the group value") {
  auto r = runner_for(R"(select {"g": group[0], "k": group[1]} from in group by each(event.tags) into out;)");
  pipeline_output out;
  r->process("in", make_event(js(R"({"tags": ["a", "b"]})")), out);
  CHECK(dump(out) == "out {\"g\":\"a\",\"k\":\"[\\\"a\\\"]\"}\nout {\"g\":\"b\",\"k\":\"[\\\"b\\\"]\"}\n");
}

TEST_CASE("nested pipelines run as nodes") {
  auto r = runner_for(R"(
    define pipeline inner
    pipeline
      select {"inner": event} from in into out;
    end;
    create pipeline inner;
    select event from in into inner;
    select event from inner into out;
  )");
  pipeline_output out;
  r->process("in", make_event(value(1)), out);
  CHECK(dump(out) == "out {\"inner\":1}\n");
}

TEST_CASE("counter and roundrobin operators") {
  auto r = runner_for(R"(
    define operator c from generic::counter;
    define operator rr from qos::roundrobin with outputs = ["a", "b"] end;
    create operator c;
    create operator rr;
    select event from in into c;
    select event from c into rr;
    select event from rr/a into a;
    select event from rr/b into b;
  )", "into a, b");
  pipeline_output out;
  r->process("in", make_event(value("x")), out);
  r->process("in", make_event(value("y")), out);
  CHECK(dump(out) == "a {\"count\":1,\"event\":\"x\"}\nb {\"count\":2,\"event\":\"y\"}\n");
}

TEST_CASE("a where clause that is not a boolean is an error") {
  auto r = runner_for("select event from in where 1 into out;");
  pipeline_output out;
  r->process("in", make_event(value(1)), out);
  CHECK(out.events.empty());
  CHECK(out.errors.size() == 1);
}

}

TEST_SUITE("dsl.windows") {

TEST_CASE("interval windows close on a later event and on ticks") {
  auto r = runner_for(R"(
    define window w from tumbling with interval = 1000 end;
    select {"n": aggr::stats::count(), "w": window} from in[w] into out;
  )");
  CHECK(r->tick_interval_ns() == 1000);
  pipeline_output out;
  uint64_t times[] = {100, 500, 1200};
  for (uint64_t t : times) {
    event e = make_event(value(1));
    e.ingest_ns = t;
    r->process("in", std::move(e), out);
  }
  REQUIRE(out.events.size() == 1);
  CHECK(to_json(out.events[0].ev.payload, true) == R"({"n":2,"w":"w"})");
  r->tick(2000, out);
  CHECK(out.events.size() == 1);
  r->tick(2200, out);
  REQUIRE(out.events.size() == 2);
  CHECK(to_json(out.events[1].ev.payload, true) == R"({"n":1,"w":"w"})");
}

TEST_CASE("windowed events carry the ids of every event they aggregate") {
  auto r = runner_for(R"(
    define window w from tumbling with size = 3 end;
    select aggr::stats::count() from in[w] into out;
  )");
  pipeline_output out;
  for (uint64_t pull = 1; pull <= 3; ++pull) {
    event e = make_event(value(1));
    e.id = event_id(7, 0, pull);
    r->process("in", std::move(e), out);
  }
  REQUIRE(out.events.size() == 1);
  REQUIRE(out.events[0].ev.id.origins().size() == 1);
  CHECK(out.events[0].ev.id.origins()[0].min_pull == 1);
  CHECK(out.events[0].ev.id.origins()[0].max_pull == 3);
}

TEST_CASE("a group that emitted leaves the window: max_groups counts live groups only") {
  auto r = runner_for(R"(
    define window w from tumbling with size = 1, max_groups = 1 end;
    select group[0] from in[w] group by event into out;
  )");
  pipeline_output out;
  r->process("in", make_event(value("a")), out);
  r->process("in", make_event(value("b")), out);
  CHECK(dump(out) == "out \"a\"\nout \"b\"\n");
  CHECK(out.errors.empty());
}

TEST_CASE("win::cardinality counts the groups the window holds when it emits") {
  auto r = runner_for(R"(
    use std::win;
    define window w from tumbling with size = 2 end;
    select [group[0], win::cardinality()] from in[w] group by event.g into out;
  )");
  pipeline_output out;
  for (const char* g : {"a", "b", "a", "b", "c", "c"}) {
    record rec;
    rec.set("g", value(g));
    r->process("in", make_event(value(std::move(rec))), out);
  }
  // a closes while a and b are open; b after a left; c alone.
  CHECK(dump(out) == "out [\"a\",2]\nout [\"b\",1]\nout [\"c\",1]\n");
}

TEST_CASE("win::cardinality outside a window is a runtime error") {
  auto r = runner_for(R"(
    use std::win;
    select win::cardinality() from in into out;
  )");
  pipeline_output out;
  r->process("in", make_event(value(1)), out);
  CHECK(out.events.empty());
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].find("win::cardinality can only be used") != std::string::npos);
}

TEST_CASE("a window script gives each event its weight towards size") {
  auto r = runner_for(R"(
    define window w from tumbling
    with size = 4
    script
      match event of case "heavy" => 3 case _ => 1 end
    end;
    select aggr::win::collect_flattened(event) from in[w] into out;
  )");
  pipeline_output out;
  for (const char* e : {"a", "heavy", "b", "c", "d", "e"})
    r->process("in", make_event(value(e)), out);
  CHECK(dump(out) == "out [\"a\",\"heavy\"]\nout [\"b\",\"c\",\"d\",\"e\"]\n");
}

TEST_CASE("a window script gives each event its time for interval windows") {
  auto r = runner_for(R"(
    define window w from tumbling
    with interval = 10
    script
      event.t
    end;
    select aggr::win::collect_flattened(event.v) from in[w] into out;
  )");
  pipeline_output out;
  for (int i : {1, 5, 11, 12, 25}) {
    record rec;
    rec.set("t", value(i));
    rec.set("v", value(i * 100));
    r->process("in", make_event(value(std::move(rec))), out);
  }
  CHECK(dump(out) == "out [100,500]\nout [1100,1200]\n");
}

TEST_CASE("a window script that does not give an integer is a runtime error") {
  auto r = runner_for(R"(
    define window w from tumbling with size = 2 script "x" end;
    select aggr::stats::count() from in[w] into out;
  )");
  pipeline_output out;
  r->process("in", make_event(value(1)), out);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].find("A window script must return a non-negative integer") !=
        std::string::npos);
}

TEST_CASE("emit_empty_windows keeps emitting interval windows without events") {
  auto r = runner_for(R"(
    define window w from tumbling with interval = 100, emit_empty_windows = true end;
    select aggr::stats::count() from in[w] into out;
  )");
  pipeline_output out;
  event e = make_event(value(1));
  e.ingest_ns = 1000;
  r->process("in", std::move(e), out);
  r->tick(1100, out);
  r->tick(1200, out);
  CHECK(dump(out) == "out 1\nout 0\n");
}

TEST_CASE("max_groups ignores new groups beyond the limit") {
  auto r = runner_for(R"(
    define window w from tumbling with size = 2, max_groups = 1 end;
    select group[0] from in[w] group by event into out;
  )");
  pipeline_output out;
  r->process("in", make_event(value("a")), out);
  r->process("in", make_event(value("b")), out);
  r->process("in", make_event(value("a")), out);
  CHECK(dump(out) == "out \"a\"\n");
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].find("Maxmimum amount of groups reached (1)") == 0);
}

}

TEST_SUITE("dsl.pipeline_runner") {

TEST_CASE("patching the event in place keeps it intact when an operation fails") {
  auto r = runner_for(R"(
    define script s
    script
      let event = match event of
        case %{ present a } => patch event of insert "b" => 2; insert "a" => 1 end
        case _ => patch event of insert "a" => 0 end
      end;
      event
    end;
    create script s;
    select event from in into s;
    select event from s into out;
    select event.event from s/err into err;
  )");
  pipeline_output out;
  r->process("in", make_event(js(R"({"a": 5})")), out);
  r->process("in", make_event(js(R"({"z": 1})")), out);
  CHECK(dump(out) == "err {\"a\":5}\nout {\"a\":0,\"z\":1}\n");
}

TEST_CASE("a patch that reads the event is not done in place") {
  auto r = runner_for(R"(
    define script s
    script
      let event = patch event of insert "copy" => event.a end;
      event
    end;
    create script s;
    select event from in into s;
    select event from s into out;
  )");
  pipeline_output out;
  r->process("in", make_event(js(R"({"a": 5})")), out);
  CHECK(dump(out) == "out {\"a\":5,\"copy\":5}\n");
}

}
