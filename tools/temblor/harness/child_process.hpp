#pragma once

// A process started by the harness: before/after steps, the main
// `server run` process and command-mode cases. Every child leads its own
// process group so a timeout or the end of a test can stop everything it
// spawned (a shell script's background jobs included) with one kill().

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

#include "tools/temblor/harness/stop_condition.hpp"

namespace temblor::harness {

/// How a finished process ended.
struct exit_status {
  int code = -1;  ///< exit code when the process exited normally
  int signal = 0; ///< terminating signal, 0 when it exited normally

  bool exited() const { return signal == 0; }
  /// Renders "exit status 1" or "killed by signal 9 (Killed)".
  std::string describe() const;
};

/// What the child's standard input is.
enum class stdin_mode {
  null_device, ///< /dev/null
  open_pipe,   ///< a pipe the harness keeps open and never writes: no EOF
  data_pipe,   ///< a pipe fed with `stdin_data`, then closed
};

struct spawn_request {
  std::string program;           ///< path to execve (already resolved)
  std::vector<std::string> argv; ///< argv[0] included
  std::string cwd;               ///< directory the child starts in
  std::vector<std::string> env;  ///< KEY=VALUE
  std::string stdout_path;       ///< file to truncate and write; empty = /dev/null
  std::string stderr_path;       ///< file to truncate and write; empty = /dev/null
  stdin_mode input = stdin_mode::null_device;
  std::string stdin_data;
};

class child_process {
public:
  /// Starts a child; returns nullptr and sets `error` when the program cannot
  /// be executed (missing, not executable, bad cwd). A program that is not a
  /// binary and has no `#!` line is run through /bin/sh, as a shell does.
  static std::unique_ptr<child_process> spawn(const spawn_request& req, std::string& error);

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Kills the whole group and reaps the child if it still runs, so no test
  /// leaves processes behind even on an early return.
  ~child_process();

  pid_t pid() const { return pid_; }

  /// Reaps the child if it has exited; never blocks.
  std::optional<exit_status> poll();

  /// Waits until the child exits or `stop` says to give up; returns nullopt in
  /// the second case (the child keeps running).
  std::optional<exit_status> wait_until(const stop_condition& stop);

  /// The exit status once the child was reaped.
  const std::optional<exit_status>& status() const { return status_; }

  /// Sends `sig` to every process in the child's group.
  void signal_group(int sig);

  /// SIGTERM to the group, up to `grace` for it to go, then SIGKILL; reaps.
  void stop_group(std::chrono::milliseconds grace);

  /// SIGKILL to the group at once; reaps the leader.
  void kill_group();

  /// Closes the harness's end of an open stdin pipe so the child sees EOF.
  void close_stdin();

  std::chrono::steady_clock::time_point started_at() const { return started_at_; }

private:
  child_process() = default;
  void join_writer();
  bool group_alive() const;

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::optional<exit_status> status_;
  std::thread writer_;
  std::shared_ptr<std::atomic<bool>> writer_stop_;
  std::chrono::steady_clock::time_point started_at_;
};

} // namespace temblor::harness
