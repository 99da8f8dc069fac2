#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "runtime/system/log.hpp"
#include "runtime/system/log_config.hpp"

using namespace temblor;

namespace {

// The logger is process-wide: every test leaves it as it found it.
struct restore_log {
  ~restore_log() {
    log::set_level(log::level::info);
    log::set_alias_levels({});
    log::set_format(log::format::text);
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST_SUITE("runtime.log") {

TEST_CASE("text lines carry the instance, json lines split out flow and alias") {
  auto text = log::format_line(log::format::text, "edge1", "2026-01-01T00:00:00Z", log::level::warning,
                               "[main::in] slow \"peer\"");
  CHECK(text == "2026-01-01T00:00:00Z WARN  edge1: [main::in] slow \"peer\"");
  auto json = log::format_line(log::format::json, "edge1", "2026-01-01T00:00:00Z",
                               log::level::error, "[main::in] bad\nline \"x\"");
  CHECK(json == R"({"time":"2026-01-01T00:00:00Z","level":"ERROR","instance":"edge1","flow":"main",)"
                R"("alias":"main::in","message":"bad\nline \"x\""})");
  auto plain = log::format_line(log::format::json, "t", "T", log::level::info, "draining 2");
  CHECK(plain == R"({"time":"T","level":"INFO","instance":"t","message":"draining 2"})");
}

TEST_CASE("RUST_LOG is read as env_logger reads it") {
  restore_log restore;
  CHECK(log::apply_rust_log("WARN").empty());
  CHECK(log::current_level() == log::level::warning);
  CHECK(log::apply_rust_log("tremor_runtime=Debug").empty());
  CHECK(log::current_level() == log::level::debug);
  CHECK(log::apply_rust_log("error,main::ticks=info").empty());
  CHECK(log::current_level() == log::level::error);
  auto warnings = log::apply_rust_log("info,main=loud,x/needle");
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("`needle` is not supported") != std::string::npos);
  CHECK(warnings[1].find("`main=loud` has no level we know") != std::string::npos);
  CHECK(log::current_level() == log::level::info);
}

TEST_CASE("a log4rs file sets levels and a file appender, what does not map is warned about") {
  restore_log restore;
  char dir_template[] = "/tmp/temblor-log-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::string config = dir + "/log4rs.yaml";
  std::string logfile = dir + "/temblor.log";
  std::ofstream(config) << "appenders:\n"
                          "  stdout:\n    kind: console\n    encoder:\n      pattern: \"{m}{n}\"\n"
                          "  file:\n    kind: file\n    path: " << logfile << "\n"
                          "  weird:\n    kind: syslog\n"
                          "root:\n  level: warn\n  appenders: [stdout, file]\n"
                          "loggers:\n  tremor_runtime:\n    level: error\n";
  auto warnings = log::apply_log4rs(config);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("encoder patterns are not supported") != std::string::npos);
  CHECK(warnings[1].find("`weird` of kind `syslog` is not supported") != std::string::npos);
  CHECK(log::current_level() == log::level::error);
  log::error("[main::out] written to the file too");
  log::warning("[main::out] below the level");
  auto written = read_file(logfile);
  CHECK(written.find("written to the file too") != std::string::npos);
  CHECK(written.find("below the level") == std::string::npos);
  std::string err;
  CHECK(log::add_file("/dev/null", err)); // detach the file before it goes
  std::remove(logfile.c_str());
  std::remove(config.c_str());
  rmdir(dir.c_str());
}

}
