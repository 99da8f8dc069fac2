// The load driver of tcp_ingest.sh: opens CONNS connections to 127.0.0.1:PORT
// at once and sends each the whole of FILE (newline-delimited lines) as fast
// as the server takes it, then half-closes it (shutdown SHUT_WR), so the
// server sees every connection end after its last line. One thread, epoll,
// no reads (the servers never answer).
// Prints "start_ns=S sent_ns=E bytes=B" on CLOCK_MONOTONIC (Python's
// time.monotonic_ns() reads the same clock): S is taken just before the
// first connect, E when the last byte of the last connection was written.
//   tcp_ingest_send PORT FILE CONNS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "tcp_ingest_send: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

struct connection {
  int fd = -1;
  size_t sent = 0;
  bool done = false;
};

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PORT FILE CONNS\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  std::ifstream in(argv[2], std::ios::binary);
  if (!in)
    die("cannot read the line file");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const int conns = std::atoi(argv[3]);

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  const int ep = epoll_create1(0);
  if (ep < 0)
    die("epoll_create1");
  std::vector<connection> cs(static_cast<size_t>(conns));
  const uint64_t start = now_ns();
  for (size_t i = 0; i < cs.size(); ++i) {
    cs[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (cs[i].fd < 0)
      die("socket");
    if (connect(cs[i].fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 &&
        errno != EINPROGRESS)
      die("connect");
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u64 = i;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) < 0)
      die("epoll_ctl");
  }

  size_t open = cs.size();
  std::vector<epoll_event> events(256);
  // A server that stops reading for this long is broken (or gone).
  const uint64_t deadline = start + 600ull * 1000000000ull;
  while (open > 0) {
    if (now_ns() > deadline) {
      std::fprintf(stderr, "tcp_ingest_send: %zu connections unfinished after 600 s\n", open);
      return 1;
    }
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
    if (n < 0 && errno != EINTR)
      die("epoll_wait");
    for (int k = 0; k < n; ++k) {
      connection& c = cs[events[static_cast<size_t>(k)].data.u64];
      if (c.done)
        continue;
      if (events[static_cast<size_t>(k)].events & (EPOLLERR | EPOLLHUP)) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        errno = err;
        die("connection failed");
      }
      while (c.sent < data.size()) {
        const ssize_t w = send(c.fd, data.data() + c.sent, data.size() - c.sent, MSG_NOSIGNAL);
        if (w < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          die("send");
        }
        c.sent += static_cast<size_t>(w);
      }
      if (c.sent == data.size()) {
        shutdown(c.fd, SHUT_WR);
        epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
        c.done = true;
        --open;
      }
    }
  }
  const uint64_t sent = now_ns();
  // Closing only now: the servers have seen every FIN, and nothing unread
  // sits in our receive buffers (they never answer), so no RST cuts a tail.
  for (connection& c : cs)
    close(c.fd);
  std::printf("start_ns=%llu sent_ns=%llu bytes=%llu\n", static_cast<unsigned long long>(start),
              static_cast<unsigned long long>(sent),
              static_cast<unsigned long long>(data.size() * cs.size()));
  return 0;
}
