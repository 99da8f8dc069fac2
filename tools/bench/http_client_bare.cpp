// The least a libcurl client can do for http_client.sh: IN_FLIGHT transfers
// of the same small JSON POST kept running on one multi handle, driven by
// curl's multi_socket interface straight from level-triggered epoll (no
// event loop library, no runtime, responses discarded; a kept-alive socket
// stays registered between requests, as in Temblor's client), with the
// options Temblor's http_client sets (no proxy, HTTP/1.1, a timeout per
// request, header and body callbacks). What libcurl itself costs per request
// on this machine: the http_client is built on it and cannot beat it.
//   http_client_bare URL SECONDS IN_FLIGHT BODY  -> prints requests/s
#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct loop {
  int epfd = epoll_create1(0);
  CURLM* multi = curl_multi_init();
  long timeout_ms = -1;
  unsigned long long done = 0;
  std::vector<unsigned> watched; ///< epoll interest per descriptor (0: none)
  std::vector<bool> parked;
};

int on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* l = static_cast<loop*>(self);
  if (static_cast<size_t>(fd) >= l->watched.size()) {
    l->watched.resize(static_cast<size_t>(fd) + 1, 0);
    l->parked.resize(static_cast<size_t>(fd) + 1, false);
  }
  unsigned& now = l->watched[static_cast<size_t>(fd)];
  if (what == CURL_POLL_REMOVE) {
    // Parked, still registered: curl asks for the same socket again with
    // the next request on the connection (a DEL and an ADD saved). An event
    // on a parked socket un-arms it (see main).
    l->parked[static_cast<size_t>(fd)] = true;
    return 0;
  }
  l->parked[static_cast<size_t>(fd)] = false;
  epoll_event ev{};
  ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  if (ev.events != now) {
    epoll_ctl(l->epfd, now ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
    now = ev.events;
  }
  return 0;
}

int on_timer(CURLM*, long timeout_ms, void* self) {
  static_cast<loop*>(self)->timeout_ms = timeout_ms;
  return 0;
}

// curl closes a socket: forget its registration (the number may come back).
int close_socket(void* self, curl_socket_t fd) {
  auto* l = static_cast<loop*>(self);
  if (static_cast<size_t>(fd) < l->watched.size()) {
    l->watched[static_cast<size_t>(fd)] = 0;
    l->parked[static_cast<size_t>(fd)] = false;
  }
  return close(fd);
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

} // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s URL SECONDS IN_FLIGHT BODY\n", argv[0]);
    return 2;
  }
  const std::string url = argv[1], body = argv[4];
  const int secs = std::atoi(argv[2]), in_flight = std::atoi(argv[3]);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  loop l;
  curl_multi_setopt(l.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(l.multi, CURLMOPT_SOCKETDATA, &l);
  curl_multi_setopt(l.multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(l.multi, CURLMOPT_TIMERDATA, &l);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  for (int i = 0; i < in_flight; ++i) {
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, &l);
    curl_multi_add_handle(l.multi, e);
  }
  using clock = std::chrono::steady_clock;
  const auto warm_until = clock::now() + std::chrono::seconds(1);
  const auto stop_at = warm_until + std::chrono::seconds(secs);
  bool measuring = false;
  int running = 0;
  std::vector<epoll_event> events(256);
  while (clock::now() < stop_at) {
    if (!measuring && clock::now() >= warm_until) {
      measuring = true;
      l.done = 0;
    }
    int n = epoll_wait(l.epfd, events.data(), static_cast<int>(events.size()),
                       l.timeout_ms < 0 ? 100 : static_cast<int>(l.timeout_ms));
    if (n == 0) {
      curl_multi_socket_action(l.multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (l.parked[static_cast<size_t>(fd)]) {
        // Idle and readable: the server closed or sent something unasked;
        // curl finds out when it reuses the connection.
        epoll_ctl(l.epfd, EPOLL_CTL_DEL, fd, nullptr);
        l.watched[static_cast<size_t>(fd)] = 0;
        continue;
      }
      int mask = ((events[i].events & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                 ((events[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                 ((events[i].events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
      curl_multi_socket_action(l.multi, events[i].data.fd, mask, &running);
    }
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(l.multi, &left)) {
      if (m->msg != CURLMSG_DONE)
        continue;
      CURL* e = m->easy_handle;
      if (m->data.result != CURLE_OK) {
        std::fprintf(stderr, "request failed: %s\n", curl_easy_strerror(m->data.result));
        return 1;
      }
      ++l.done;
      curl_multi_remove_handle(l.multi, e);
      curl_multi_add_handle(l.multi, e); // the next request on a kept-alive connection
    }
    if (l.timeout_ms == 0)
      curl_multi_socket_action(l.multi, CURL_SOCKET_TIMEOUT, 0, &running);
  }
  std::printf("%.0f\n", static_cast<double>(l.done) / secs);
  return 0;
}
