#include "tools/temblor/harness/await_conditions.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/temblor/harness/command_line.hpp"

namespace temblor::harness {

namespace {

using namespace std::chrono_literals;

struct socket_guard {
  int fd = -1;
  ~socket_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

std::optional<long long> parse_int(const std::string& s) {
  if (s.empty())
    return std::nullopt;
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used != s.size())
      return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int remaining_ms(clock::time_point until) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(until - clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

// Connects to host:port with a deadline; returns the connected socket or -1.
int connect_with_timeout(const std::string& host, const std::string& port,
                         clock::time_point until) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0)
    return -1;
  int connected = -1;
  for (auto* ai = res; ai != nullptr && connected < 0; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                      ai->ai_protocol);
    if (fd < 0)
      continue;
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(until)) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
      } else {
        rc = -1;
      }
    }
    if (rc == 0)
      connected = fd;
    else
      ::close(fd);
  }
  freeaddrinfo(res);
  return connected;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "1" for whole seconds, "0.5" otherwise.
std::string seconds_text(double s) {
  if (s == static_cast<double>(static_cast<long long>(s)))
    return std::to_string(static_cast<long long>(s));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

} // namespace

bool port_open(const std::string& target, std::chrono::milliseconds timeout) {
  std::string host = "localhost";
  std::string port = target;
  if (auto colon = target.rfind(':'); colon != std::string::npos) {
    host = target.substr(0, colon);
    port = target.substr(colon + 1);
  }
  auto until = clock::now() + timeout;
  // "localhost" may resolve to ::1 first while a server listens on
  // 127.0.0.1 only; try the explicit loopbacks too.
  std::vector<std::string> hosts{host};
  if (host == "localhost") {
    hosts.emplace_back("127.0.0.1");
    hosts.emplace_back("::1");
  }
  for (const auto& h : hosts) {
    socket_guard s{connect_with_timeout(h, port, until)};
    if (s.fd >= 0)
      return true;
  }
  return false;
}

bool http_ok(const std::string& url, std::chrono::milliseconds timeout, std::string& detail) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    detail = "only http:// URLs can be checked";
    return false;
  }
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host = authority;
  std::string port = "80";
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  auto until = clock::now() + timeout;
  socket_guard s{connect_with_timeout(host, port, until)};
  if (s.fd < 0) {
    detail = "connection refused";
    return false;
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + authority +
                        "\r\nUser-Agent: temblor-test\r\nConnection: close\r\n\r\n";
  size_t off = 0;
  while (off < request.size()) {
    ssize_t w = ::send(s.fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
    if (w > 0) {
      off += static_cast<size_t>(w);
      continue;
    }
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{s.fd, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(until)) != 1) {
        detail = "timed out sending the request";
        return false;
      }
      continue;
    }
    detail = std::string{"send failed: "} + std::strerror(errno);
    return false;
  }
  std::string head;
  while (head.find("\r\n") == std::string::npos && head.size() < 4096) {
    pollfd p{s.fd, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(until)) != 1) {
      detail = "timed out waiting for the response";
      return false;
    }
    char buf[512];
    ssize_t r = ::recv(s.fd, buf, sizeof buf, 0);
    if (r <= 0) {
      if (r < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      break;
    }
    head.append(buf, static_cast<size_t>(r));
  }
  // "HTTP/1.1 200 OK"
  auto sp = head.find(' ');
  if (head.compare(0, 5, "HTTP/") != 0 || sp == std::string::npos || head.size() < sp + 4) {
    detail = "no HTTP status line";
    return false;
  }
  auto code = parse_int(head.substr(sp + 1, 3)).value_or(0);
  if (code >= 200 && code < 300)
    return true;
  detail = "status " + std::to_string(code);
  return false;
}

std::string await_ready(const await_spec& spec, child_process& process, const std::string& dir,
                        const stop_condition& stop) {
  const auto start = process.started_at();
  const auto max = std::chrono::milliseconds{static_cast<long long>(spec.max_await_secs * 1000)};
  const auto probe_timeout =
    std::chrono::milliseconds{std::clamp<long long>(max.count(), 1000, 5000)};
  auto stopped = [&] {
    return std::string{interrupted() ? "interrupted" : "test timed out"} +
           " while awaiting the before step";
  };
  while (true) {
    std::vector<std::string> unmet;
    for (const auto& [name, values] : spec.conditions) {
      if (name == "port-open") {
        for (const auto& v : values) {
          auto port = parse_int(v.substr(v.rfind(':') == std::string::npos ? 0 : v.rfind(':') + 1));
          if (!port || *port <= 0 || *port > 65535)
            return "port-open: `" + v + "` is not a port";
          if (!port_open(v, std::min(probe_timeout, 1000ms)))
            unmet.push_back("port-open " + v);
        }
      } else if (name == "wait-for-ms") {
        for (const auto& v : values) {
          auto ms = parse_int(v);
          if (!ms || *ms < 0)
            return "wait-for-ms: `" + v + "` is not a number of milliseconds";
          auto until = start + std::chrono::milliseconds{*ms};
          auto left = std::chrono::ceil<std::chrono::milliseconds>(until - clock::now());
          if (left.count() > 0 && !stop.sleep_for(left))
            return stopped();
        }
      } else if (name == "http-ok") {
        for (const auto& v : values) {
          std::string detail;
          if (!http_ok(v, probe_timeout, detail))
            unmet.push_back("http-ok " + v + " (" + detail + ")");
        }
      } else if (name == "file-exists") {
        for (const auto& v : values) {
          std::error_code ec;
          if (!std::filesystem::exists(absolute_path(v, dir), ec))
            unmet.push_back("file-exists " + v);
        }
      } else if (name == "status") {
        auto st = process.wait_until(stop);
        if (!st)
          return stopped();
        bool any = false;
        for (const auto& v : values) {
          auto code = parse_int(v);
          if (!code)
            return "status: `" + v + "` is not an exit code";
          if (st->exited() && st->code == *code)
            any = true;
        }
        // The process has exited: waiting longer cannot change the answer.
        if (!any)
          return "status: expected " + join(values) + ", the before process ended with " +
                 st->describe();
      } else {
        return "unknown await condition `" + name +
               "` (known: port-open, wait-for-ms, http-ok, file-exists, status)";
      }
    }
    if (unmet.empty())
      break;
    if (clock::now() - start >= max) {
      std::string msg = "await conditions not met within max-await-secs " +
                        seconds_text(spec.max_await_secs) + ": " + join(unmet);
      if (auto st = process.poll())
        msg += " (the before process ended with " + st->describe() + ")";
      return msg;
    }
    if (!stop.sleep_for(100ms))
      return stopped();
  }
  if (spec.min_await_secs > 0) {
    auto d = std::chrono::milliseconds{static_cast<long long>(spec.min_await_secs * 1000)};
    if (!stop.sleep_for(d))
      return stopped();
  }
  return {};
}

} // namespace temblor::harness
