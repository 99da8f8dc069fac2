#include "connectors/http/client/curl_multi.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <optional>

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>

namespace temblor::connectors::http {

/// One socket curl asked us to watch. Asio waits on the descriptor but never
/// owns it: curl closes it (through close_socket, after we let go).
///
/// A watch outlives curl's CURL_POLL_REMOVE: curl removes a kept-alive
/// connection's socket after each response and adds it back for the next
/// request, and a new watch each time cost an epoll_ctl ADD, a DEL, an
/// ioctl and a descriptor object per request. A parked watch (`want` 0)
/// stays registered and hands nothing to curl; it goes only when curl
/// closes the socket (close_socket), so a reused descriptor number never
/// meets a stale watch.
struct curl_multi::watch {
  explicit watch(asio::io_context& io, curl_socket_t fd) : desc(io, fd) {}
  ~watch() {
    if (desc.is_open())
      desc.release(); // never close what curl owns
  }
  asio::posix::stream_descriptor desc;
  int want = 0;          ///< CURL_POLL_IN / OUT / INOUT
  bool reading = false;  ///< a wait for readability is pending
  bool writing = false;
  bool gone = false;     ///< curl is done with it; late completions are ignored

  void release() {
    gone = true;
    asio::error_code ec;
    desc.cancel(ec);
    desc.release();
  }
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
  : io_(io), multi_(curl_multi_init()), timer_(std::make_unique<timer>(io)) {
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
  for (auto& [fd, w] : watches_)
    w->release();
  watches_.clear();
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
    // Parked, not forgotten: see curl_multi::watch. A wait still pending
    // completes without a word to curl.
    auto it = m->watches_.find(fd);
    if (it != m->watches_.end())
      it->second->want = 0;
    return 0;
  }
  auto it = m->watches_.find(fd);
  if (it == m->watches_.end())
    it = m->watches_.emplace(fd, std::make_shared<watch>(m->io_, fd)).first;
  it->second->want = what;
  m->arm(fd, it->second);
  return 0;
}

curl_socket_t curl_multi::open_socket(void* self, curlsocktype, curl_sockaddr* addr) {
  curl_socket_t fd = ::socket(addr->family, addr->socktype, addr->protocol);
  // A watch under this number belongs to a socket closed behind our back
  // (close_socket is curl's only way, so this is a guard): it would wait
  // on an epoll registration the kernel dropped with the old socket.
  if (fd != CURL_SOCKET_BAD)
    static_cast<curl_multi*>(self)->forget(fd);
  return fd;
}

int curl_multi::close_socket(void* self, curl_socket_t fd) {
  // Deregister from epoll before the number can be reused by a new socket.
  static_cast<curl_multi*>(self)->forget(fd);
  return ::close(fd);
}

void curl_multi::forget(curl_socket_t fd) {
  auto it = watches_.find(fd);
  if (it == watches_.end())
    return;
  it->second->release();
  watches_.erase(it);
}

void curl_multi::arm(curl_socket_t fd, const std::shared_ptr<watch>& w) {
  // weak_from_this: curl may call back while the driver is being destroyed.
  std::weak_ptr<curl_multi> weak = weak_from_this();
  if ((w->want & CURL_POLL_IN) != 0 && !w->reading) {
    w->reading = true;
    w->desc.async_wait(asio::posix::stream_descriptor::wait_read,
                       [weak, w, fd](const asio::error_code& ec) {
                         w->reading = false;
                         auto m = weak.lock();
                         if (ec || w->gone || !m || (w->want & CURL_POLL_IN) == 0)
                           return;
                         m->action(fd, CURL_CSELECT_IN);
                       });
  }
  if ((w->want & CURL_POLL_OUT) != 0 && !w->writing) {
    w->writing = true;
    w->desc.async_wait(asio::posix::stream_descriptor::wait_write,
                       [weak, w, fd](const asio::error_code& ec) {
                         w->writing = false;
                         auto m = weak.lock();
                         if (ec || w->gone || !m || (w->want & CURL_POLL_OUT) == 0)
                           return;
                         m->action(fd, CURL_CSELECT_OUT);
                       });
  }
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
  if (fd == CURL_SOCKET_TIMEOUT)
    return;
  // Still wanted: wait again (curl only calls on_socket when interest changes).
  auto it = watches_.find(fd);
  if (it != watches_.end())
    arm(fd, it->second);
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
