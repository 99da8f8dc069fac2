#include "tools/temblor/harness/report.hpp"

#include <fstream>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace temblor::harness {

namespace {

const char* outcome_name(outcome o) {
  switch (o) {
    case outcome::passed:
      return "passed";
    case outcome::failed:
      return "failed";
    case outcome::skipped:
      return "skipped";
  }
  return "?";
}

using writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void string_array(writer& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : v)
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void string_field(writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

} // namespace

summary summarize(const std::vector<test_result>& results) {
  summary s;
  for (const auto& r : results) {
    switch (r.result) {
      case outcome::passed:
        ++s.passed;
        break;
      case outcome::failed:
        ++s.failed;
        break;
      case outcome::skipped:
        ++s.skipped;
        break;
    }
  }
  return s;
}

std::string summary_line(const summary& s) {
  auto line = std::to_string(s.passed) + " passed, " + std::to_string(s.failed) + " failed";
  if (s.skipped > 0)
    line += ", " + std::to_string(s.skipped) + " skipped";
  return line;
}

std::string json_report(const std::string& mode, const std::string& root,
                        const std::vector<test_result>& results, double duration_s) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  string_field(w, "mode", mode);
  string_field(w, "path", root);
  w.Key("duration_s");
  w.Double(duration_s);
  auto s = summarize(results);
  w.Key("summary");
  w.StartObject();
  w.Key("passed");
  w.Uint64(s.passed);
  w.Key("failed");
  w.Uint64(s.failed);
  w.Key("skipped");
  w.Uint64(s.skipped);
  w.EndObject();
  w.Key("tests");
  w.StartArray();
  for (const auto& r : results) {
    w.StartObject();
    string_field(w, "name", r.name);
    string_field(w, "kind", r.kind);
    string_field(w, "path", r.path);
    string_array(w, "tags", r.tags);
    w.Key("result");
    w.String(outcome_name(r.result));
    w.Key("duration_s");
    w.Double(r.duration_s);
    w.Key("checks");
    w.Uint64(r.checks);
    if (r.exit_code) {
      w.Key("exit_code");
      w.Int(*r.exit_code);
    }
    if (!r.exit_description.empty())
      string_field(w, "exit", r.exit_description);
    if (!r.skip_reason.empty())
      string_field(w, "skip_reason", r.skip_reason);
    string_array(w, "failures", r.failures);
    if (!r.throughput.empty())
      string_array(w, "throughput", r.throughput);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string{buf.GetString(), buf.GetSize()} + "\n";
}

bool write_json_report(const std::string& path, const std::string& mode,
                       const std::string& root, const std::vector<test_result>& results,
                       double duration_s, std::string& error) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  if (!out) {
    error = "cannot write report " + path;
    return false;
  }
  out << json_report(mode, root, results, duration_s);
  out.flush();
  if (!out) {
    error = "cannot write report " + path;
    return false;
  }
  return true;
}

} // namespace temblor::harness
