#include "dsl/unit_suite.hpp"

#include "dsl/json_text.hpp"
#include "dsl/pipeline_runner.hpp"
#include "dsl/standalone.hpp"

namespace temblor::dsl {

namespace {

// The suites a running file declared. The `test::suite` native reaches it
// through this pointer, set only while run_unit_suite_file runs the script.
thread_local std::vector<value>* collected = nullptr;

std::vector<std::string> strings_at(const value& rec, const char* key) {
  std::vector<std::string> out;
  if (const value* v = rec.get(key); v && v->is_array())
    for (const auto& x : v->as_array())
      if (x.is_string())
        out.push_back(x.as_string());
  return out;
}

std::string text_at(const value& rec, const char* key) {
  const value* v = rec.get(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

// Why a case's `test` value is not a pass.
std::string failure_detail(const value& test) {
  if (test.is_record() && test.get("assert")) {
    const value* desc = test.get("assert");
    return "assertion " + (desc->is_string() ? desc->as_string() : to_json(*desc, true)) +
           " failed: expected " + to_json(test.get("expected") ? *test.get("expected") : value(), true) +
           ", got " + to_json(test.get("got") ? *test.get("got") : value(), true);
  }
  return "the test gave " + to_json(test, true) + " instead of true";
}

void add_cases(const value& suite, unit_suite_result& out) {
  std::string suite_name = text_at(suite, "name");
  std::vector<std::string> suite_tags = strings_at(suite, "tags");
  const value* tests = suite.get("tests");
  if (!tests || !tests->is_array())
    return;
  for (const auto& t : tests->as_array()) {
    unit_case_result c;
    c.suite = suite_name;
    c.name = text_at(t, "name");
    c.tags = suite_tags;
    for (auto& tag : strings_at(t, "tags"))
      c.tags.push_back(std::move(tag));
    const value* test = t.get("test");
    c.passed = test && test->is_bool() && test->as_bool();
    if (!c.passed)
      c.detail = test ? failure_detail(*test) : "the case has no `test`";
    out.cases.push_back(std::move(c));
  }
}

} // namespace

void record_unit_suite(const value& suite) {
  if (collected)
    collected->push_back(suite);
}

unit_suite_result run_unit_suite_file(const std::string& path, const load_options& options) {
  unit_suite_result result;
  diagnostics diags;
  auto prog = load_script_file(path, options, diags);
  if (!prog) {
    result.error = diags.render();
    return result;
  }
  std::vector<value> suites;
  collected = &suites;
  auto runner = make_pipeline_runner(*prog);
  pipeline_output out;
  event ev;
  ev.meta = value(record{});
  runner->process("in", std::move(ev), out);
  collected = nullptr;
  for (const auto& s : suites)
    add_cases(s, result);
  for (const auto& e : out.events)
    if (e.port == "err") {
      const value* text = e.ev.payload.get("error");
      result.error += text && text->is_string() ? text->as_string() : to_json(e.ev.payload, true);
    }
  for (const auto& e : out.errors)
    result.error += e;
  return result;
}

std::string unit_suite_json_lines(const unit_suite_result& r) {
  std::string out;
  for (const auto& c : r.cases) {
    record rec;
    rec.set("suite", value(c.suite));
    rec.set("name", value(c.name));
    array tags;
    for (const auto& t : c.tags)
      tags.push_back(value(t));
    rec.set("tags", value(std::move(tags)));
    rec.set("passed", value(c.passed));
    if (!c.passed)
      rec.set("detail", value(c.detail));
    out += to_json(value(std::move(rec)), true) + "\n";
  }
  if (!r.error.empty())
    out += to_json(value(record{{"error", value(r.error)}}), true) + "\n";
  return out;
}

} // namespace temblor::dsl
