#include "connectors/http/client/curl_multi.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>

namespace temblor::connectors::http {

/// curl's sockets: their own level-triggered epoll set, watched by the loop
/// as one descriptor (see the header). Per descriptor number: what the set
/// holds it for, whether curl still wants it, and a generation that makes an
/// event read before the number was closed and reused recognisable.
///
/// curl removes a kept-alive connection's socket after each response
/// (CURL_POLL_REMOVE) and asks for it again with the next request; it stays
/// in the set meanwhile ("parked"). Only an event on a parked socket (the
/// server closed the connection, or sent what nobody asked for) takes it
/// out, since a level-triggered set would report it at every turn; curl
/// finds out about such a connection when it next checks it.
struct curl_multi::sockets {
  struct entry {
    uint32_t events = 0; ///< in the set for these (0: not in the set)
    bool wanted = false; ///< curl watches it (not parked)
    uint32_t generation = 0;
  };

  explicit sockets(asio::io_context& io) : set_fd(::epoll_create1(EPOLL_CLOEXEC)), desc(io) {
    if (set_fd >= 0)
      desc.assign(set_fd); // and closes it when the driver goes
  }

  entry& at(curl_socket_t fd) {
    if (static_cast<size_t>(fd) >= entries.size())
      entries.resize(static_cast<size_t>(fd) + 1);
    return entries[static_cast<size_t>(fd)];
  }

  /// Puts `fd` in the set for `events`, or changes what it is there for.
  void want(curl_socket_t fd, uint32_t events) {
    entry& e = at(fd);
    e.wanted = true;
    if (e.events == events)
      return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = (static_cast<uint64_t>(e.generation) << 32) | static_cast<uint32_t>(fd);
    if (::epoll_ctl(set_fd, e.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) == 0)
      e.events = events;
  }

  /// Takes `fd` out of the set: curl closes it, or it spoke while parked.
  void drop(curl_socket_t fd) {
    entry& e = at(fd);
    if (e.events != 0)
      ::epoll_ctl(set_fd, EPOLL_CTL_DEL, fd, nullptr);
    forget(fd);
  }

  /// Forgets what is known of `fd` (the kernel dropped it from the set
  /// with the socket it named).
  void forget(curl_socket_t fd) {
    entry& e = at(fd);
    e.events = 0;
    e.wanted = false;
    ++e.generation;
  }

  int set_fd;
  asio::posix::stream_descriptor desc; ///< set_fd, as the loop sees it
  bool waiting = false;                ///< an async_wait on desc is pending
  std::vector<entry> entries;
};

/// curl's one timeout. curl moves it on nearly every call into it, and
/// re-arming an Asio timer each time costs a timerfd_settime system call
/// (a quarter of the client's CPU under load, perf). So the wait on the loop
/// is only moved earlier, never later: when it fires before curl's current
/// deadline it waits again for the rest.
struct curl_multi::timer {
  using clock = asio::steady_timer::clock_type;
  explicit timer(asio::io_context& io) : t(io) {}
  asio::steady_timer t;
  bool waiting = false;                ///< an async_wait is pending
  std::optional<clock::time_point> due; ///< curl's deadline; none: cancelled
};

std::shared_ptr<curl_multi> curl_multi::create(asio::io_context& io, size_t max_idle_connections) {
  return std::shared_ptr<curl_multi>(new curl_multi(io, max_idle_connections));
}

curl_multi::curl_multi(asio::io_context& io, size_t max_idle_connections)
  : io_(io), multi_(curl_multi_init()), timer_(std::make_unique<timer>(io)),
    sockets_(std::make_unique<sockets>(io)) {
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(max_idle_connections));
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &curl_multi::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &curl_multi::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

curl_multi::~curl_multi() {
  abort_all();
  // Closes the cached connections, through close_socket.
  curl_multi_cleanup(multi_);
}

bool curl_multi::add(CURL* easy, completion done) {
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &curl_multi::open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &curl_multi::close_socket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK)
    return false;
  done_.emplace(easy, std::move(done));
  return true;
}

void curl_multi::abort_all() {
  for (auto& [easy, done] : done_)
    curl_multi_remove_handle(multi_, easy);
  done_.clear();
}

int curl_multi::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* m = static_cast<curl_multi*>(self);
  if (what == CURL_POLL_REMOVE) {
    m->sockets_->at(fd).wanted = false; // parked: see curl_multi::sockets
    return 0;
  }
  const uint32_t events = ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0u) |
                          ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0u);
  m->sockets_->want(fd, events);
  m->watch_ready();
  return 0;
}

curl_socket_t curl_multi::open_socket(void* self, curlsocktype, curl_sockaddr* addr) {
  curl_socket_t fd = ::socket(addr->family, addr->socktype, addr->protocol);
  // An entry under this number belongs to a socket closed behind our back
  // (close_socket is curl's only way, so this is a guard).
  if (fd != CURL_SOCKET_BAD)
    static_cast<curl_multi*>(self)->sockets_->forget(fd);
  return fd;
}

int curl_multi::close_socket(void* self, curl_socket_t fd) {
  // Out of the set before the number can be reused by a new socket.
  static_cast<curl_multi*>(self)->sockets_->drop(fd);
  return ::close(fd);
}

void curl_multi::watch_ready() {
  auto& s = *sockets_;
  if (s.waiting || !s.desc.is_open())
    return;
  s.waiting = true;
  // weak_from_this: curl may call back while the driver is being destroyed.
  std::weak_ptr<curl_multi> weak = weak_from_this();
  s.desc.async_wait(asio::posix::stream_descriptor::wait_read, [weak](const asio::error_code& ec) {
    auto m = weak.lock();
    if (!m)
      return;
    m->sockets_->waiting = false;
    if (!ec)
      m->take_ready();
  });
}

void curl_multi::take_ready() {
  auto keep = shared_from_this(); // a completion may drop the last owner
  auto& s = *sockets_;
  std::array<epoll_event, 64> ready;
  const int n = ::epoll_wait(s.set_fd, ready.data(), static_cast<int>(ready.size()), 0);
  for (int i = 0; i < n; ++i) {
    const auto fd = static_cast<curl_socket_t>(ready[i].data.u64 & 0xffffffffu);
    const auto generation = static_cast<uint32_t>(ready[i].data.u64 >> 32);
    auto& e = s.at(fd);
    if (e.generation != generation || e.events == 0)
      continue; // closed (maybe reused) by an action earlier in this turn
    if (!e.wanted) {
      s.drop(fd);
      continue;
    }
    const uint32_t got = ready[i].events;
    const int what = ((got & (EPOLLIN | EPOLLHUP)) != 0 ? CURL_CSELECT_IN : 0) |
                     ((got & EPOLLOUT) != 0 ? CURL_CSELECT_OUT : 0) |
                     ((got & EPOLLERR) != 0 ? CURL_CSELECT_ERR : 0);
    action(fd, what);
  }
  watch_ready(); // what is still ready, or becomes so, shows on the next wait
}

int curl_multi::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* m = static_cast<curl_multi*>(self);
  auto& tm = *m->timer_;
  if (timeout_ms < 0) {
    tm.due.reset(); // a pending wait finds nothing due
    return 0;
  }
  // Even a zero timeout goes through the loop: curl must not be called
  // back from inside its own callback.
  tm.due = timer::clock::now() + std::chrono::milliseconds(timeout_ms);
  m->wait_until(*tm.due);
  return 0;
}

void curl_multi::wait_until(std::chrono::steady_clock::time_point at) {
  auto& tm = *timer_;
  if (tm.waiting && tm.t.expiry() <= at)
    return; // fires early enough, and looks again then
  tm.t.expires_at(at); // a pending wait ends with operation_aborted
  tm.waiting = true;
  std::weak_ptr<curl_multi> weak = weak_from_this();
  tm.t.async_wait([weak](const asio::error_code& ec) {
    auto m = weak.lock();
    if (ec || !m)
      return; // replaced by a newer wait, which owns `waiting`
    m->timer_->waiting = false;
    m->on_timer_fired();
  });
}

void curl_multi::on_timer_fired() {
  auto& tm = *timer_;
  if (!tm.due)
    return;
  if (*tm.due > timer::clock::now()) {
    wait_until(*tm.due);
    return;
  }
  tm.due.reset();
  action(CURL_SOCKET_TIMEOUT, 0);
}

void curl_multi::action(curl_socket_t fd, int events) {
  auto keep = shared_from_this(); // a completion may drop the last owner
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  finish_done();
}

void curl_multi::finish_done() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE)
      continue;
    CURL* easy = msg->easy_handle;
    CURLcode code = msg->data.result;
    curl_multi_remove_handle(multi_, easy);
    auto it = done_.find(easy);
    if (it == done_.end())
      continue;
    auto done = std::move(it->second);
    done_.erase(it);
    done(code);
  }
}

} // namespace temblor::connectors::http
