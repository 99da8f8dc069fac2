#include "tools/temblor/harness/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace temblor::harness {

namespace {

using namespace std::chrono_literals;

// Closes a descriptor on scope exit unless released.
struct fd_guard {
  int fd = -1;
  explicit fd_guard(int f = -1) : fd(f) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
  int release() {
    int f = fd;
    fd = -1;
    return f;
  }
};

int open_output(const std::string& path) {
  if (path.empty())
    return ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (auto& s : v)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

exit_status decode(int raw) {
  exit_status st;
  if (WIFEXITED(raw)) {
    st.code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    st.signal = WTERMSIG(raw);
  }
  return st;
}

// Runs in the forked child: only async-signal-safe calls until execve.
[[noreturn]] void exec_child(int in_fd, int out_fd, int err_fd, int report_fd, const char* cwd,
                             const char* program, char* const* argv, char* const* sh_argv,
                             char* const* envp) {
  setpgid(0, 0);
  // The harness may ignore SIGPIPE or catch SIGINT; a child must start with
  // default dispositions and an empty mask, as it would from a shell.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD})
    sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  int targets[3] = {in_fd, out_fd, err_fd};
  for (int target = 0; target < 3; ++target) {
    int fd = targets[target];
    if (fd == target) {
      // dup2 onto itself would keep O_CLOEXEC.
      fcntl(fd, F_SETFD, 0);
    } else if (dup2(fd, target) < 0) {
      int e = errno;
      (void) !write(report_fd, &e, sizeof e);
      _exit(127);
    }
  }
  if (cwd[0] != '\0' && chdir(cwd) != 0) {
    int e = errno;
    (void) !write(report_fd, &e, sizeof e);
    _exit(127);
  }
  execve(program, argv, envp);
  if (errno == ENOEXEC)
    execve("/bin/sh", sh_argv, envp);
  int e = errno;
  (void) !write(report_fd, &e, sizeof e);
  _exit(127);
}

} // namespace

std::string exit_status::describe() const {
  if (exited())
    return "exit status " + std::to_string(code);
  const char* name = strsignal(signal);
  return "killed by signal " + std::to_string(signal) + " (" + (name ? name : "?") + ")";
}

std::unique_ptr<child_process> child_process::spawn(const spawn_request& req,
                                                    std::string& error) {
  auto fail = [&](const std::string& what, int e) {
    error = what + ": " + std::strerror(e);
    return nullptr;
  };
  fd_guard out{open_output(req.stdout_path)};
  if (out.fd < 0)
    return fail("cannot open " + req.stdout_path, errno);
  fd_guard err{open_output(req.stderr_path)};
  if (err.fd < 0)
    return fail("cannot open " + req.stderr_path, errno);
  fd_guard in_read;
  fd_guard in_write;
  if (req.input == stdin_mode::null_device) {
    in_read.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in_read.fd < 0)
      return fail("cannot open /dev/null", errno);
  } else {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
      return fail("pipe", errno);
    in_read.fd = p[0];
    in_write.fd = p[1];
  }
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0)
    return fail("pipe", errno);
  fd_guard report_read{report[0]};
  fd_guard report_write{report[1]};

  // Everything the child touches is prepared before fork().
  std::vector<std::string> argv = req.argv.empty() ? std::vector<std::string>{req.program}
                                                   : req.argv;
  std::vector<std::string> sh_argv{"sh", req.program};
  sh_argv.insert(sh_argv.end(), argv.begin() + 1, argv.end());
  std::vector<std::string> env = req.env;
  auto argv_c = c_strings(argv);
  auto sh_argv_c = c_strings(sh_argv);
  auto env_c = c_strings(env);

  pid_t pid = fork();
  if (pid < 0)
    return fail("fork", errno);
  if (pid == 0)
    exec_child(in_read.fd, out.fd, err.fd, report_write.fd, req.cwd.c_str(),
               req.program.c_str(), argv_c.data(), sh_argv_c.data(), env_c.data());

  // Also set the group from the parent so a kill right after spawn cannot
  // race the child's own setpgid (fails harmlessly once it has exec'd).
  setpgid(pid, pid);
  ::close(report_write.release());
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report_read.fd, &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int raw = 0;
    waitpid(pid, &raw, 0);
    error = "cannot execute " + req.program + (req.cwd.empty() ? "" : " in " + req.cwd) +
            ": " + std::strerror(child_errno);
    return nullptr;
  }

  std::unique_ptr<child_process> child{new child_process};
  child->pid_ = pid;
  child->started_at_ = clock::now();
  if (req.input == stdin_mode::open_pipe) {
    child->stdin_fd_ = in_write.release();
  } else if (req.input == stdin_mode::data_pipe) {
    int fd = in_write.release();
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    auto stop = std::make_shared<std::atomic<bool>>(false);
    child->writer_stop_ = stop;
    // A thread feeds stdin so a child that reads slowly (or never) cannot
    // block the harness; SIGPIPE is blocked in it so a child that exits
    // early only yields EPIPE.
    child->writer_ = std::thread([fd, data = req.stdin_data, stop] {
      sigset_t pipe_set;
      sigemptyset(&pipe_set);
      sigaddset(&pipe_set, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
      size_t off = 0;
      while (off < data.size() && !stop->load()) {
        ssize_t w = ::write(fd, data.data() + off, data.size() - off);
        if (w > 0) {
          off += static_cast<size_t>(w);
        } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
          pollfd p{fd, POLLOUT, 0};
          ::poll(&p, 1, 50);
        } else {
          break;
        }
      }
      ::close(fd);
    });
  }
  return child;
}

child_process::~child_process() {
  if (!status_ && pid_ > 0)
    kill_group();
  join_writer();
  if (stdin_fd_ >= 0)
    ::close(stdin_fd_);
}

void child_process::join_writer() {
  if (writer_stop_)
    writer_stop_->store(true);
  if (writer_.joinable())
    writer_.join();
}

std::optional<exit_status> child_process::poll() {
  if (status_)
    return status_;
  int raw = 0;
  pid_t r = waitpid(pid_, &raw, WNOHANG);
  if (r == pid_) {
    status_ = decode(raw);
    join_writer();
    if (stdin_fd_ >= 0) {
      ::close(stdin_fd_);
      stdin_fd_ = -1;
    }
  }
  return status_;
}

std::optional<exit_status> child_process::wait_until(const stop_condition& stop) {
  // Polling keeps the harness free of SIGCHLD plumbing; 10 ms is far below
  // the granularity any test cares about.
  while (true) {
    if (auto st = poll())
      return st;
    if (stop.should_stop())
      return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

void child_process::signal_group(int sig) {
  if (pid_ > 0)
    ::kill(-pid_, sig);
}

bool child_process::group_alive() const {
  return pid_ > 0 && ::kill(-pid_, 0) == 0;
}

void child_process::stop_group(std::chrono::milliseconds grace) {
  if (pid_ <= 0)
    return;
  signal_group(SIGTERM);
  auto until = clock::now() + grace;
  while (clock::now() < until) {
    poll();
    if (status_ && !group_alive())
      break;
    std::this_thread::sleep_for(10ms);
  }
  kill_group();
}

void child_process::kill_group() {
  if (pid_ <= 0)
    return;
  signal_group(SIGKILL);
  if (!status_) {
    int raw = 0;
    pid_t r;
    do {
      r = waitpid(pid_, &raw, 0);
    } while (r < 0 && errno == EINTR);
    if (r == pid_)
      status_ = decode(raw);
  }
  join_writer();
  if (stdin_fd_ >= 0) {
    ::close(stdin_fd_);
    stdin_fd_ = -1;
  }
}

void child_process::close_stdin() {
  if (stdin_fd_ >= 0) {
    ::close(stdin_fd_);
    stdin_fd_ = -1;
  }
}

} // namespace temblor::harness
