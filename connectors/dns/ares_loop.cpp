#include "connectors/dns/ares_loop.hpp"

#include <mutex>

namespace temblor::connectors::dns {

ares_loop::ares_loop(asio::io_context& io) : io_(io), timer_(io) {}

ares_loop::~ares_loop() { close(); }

std::shared_ptr<ares_loop> ares_loop::create(asio::io_context& io, const options& opts,
                                             std::string& err) {
  // Needed once per process (a no-op on Linux, but the API asks for it).
  static std::once_flag library;
  static int library_status = ARES_SUCCESS;
  std::call_once(library, [] { library_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (library_status != ARES_SUCCESS) {
    err = std::string("c-ares did not initialise: ") + ares_strerror(library_status);
    return nullptr;
  }
  std::shared_ptr<ares_loop> self(new ares_loop(io));
  ares_options o{};
  o.sock_state_cb = &ares_loop::on_socket_state;
  o.sock_state_cb_data = self.get();
  o.timeout = static_cast<int>(opts.try_timeout.count());
  o.tries = opts.tries;
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  int rc = ares_init_options(&self->channel_, &o, mask);
  if (rc != ARES_SUCCESS) {
    self->channel_ = nullptr;
    err = std::string("cannot set up the resolver: ") + ares_strerror(rc);
    return nullptr;
  }
  if (!opts.servers_csv.empty()) {
    rc = ares_set_servers_ports_csv(self->channel_, opts.servers_csv.c_str());
    if (rc != ARES_SUCCESS) {
      err = "cannot use the servers `" + opts.servers_csv + "`: " + ares_strerror(rc);
      return nullptr;
    }
  }
  return self;
}

void ares_loop::close() {
  if (!channel_)
    return;
  // Callbacks that run inside ares_destroy (queries ending with
  // ARES_EDESTRUCTION, sockets closing) must find the channel gone, so none
  // starts a new query on it.
  ares_channel channel = channel_;
  channel_ = nullptr;
  ares_destroy(channel);
  for (auto& entry : watches_) {
    entry.second->closed = true;
    entry.second->descriptor.release();
  }
  watches_.clear();
  timer_.cancel();
}

void ares_loop::on_socket_state(void* self, ares_socket_t fd, int readable, int writable) {
  static_cast<ares_loop*>(self)->socket_state(fd, readable != 0, writable != 0);
}

void ares_loop::socket_state(int fd, bool readable, bool writable) {
  auto it = watches_.find(fd);
  if (!readable && !writable) {
    // c-ares closes the socket after this call: stop watching it and give
    // the descriptor back without closing it ourselves.
    if (it != watches_.end()) {
      it->second->closed = true;
      it->second->descriptor.release();
      watches_.erase(it);
    }
    return;
  }
  std::shared_ptr<watch> w;
  if (it == watches_.end()) {
    w = std::make_shared<watch>(io_);
    w->fd = fd;
    asio::error_code ec;
    w->descriptor.assign(fd, ec);
    if (ec)
      return; // c-ares times the query out
    watches_.emplace(fd, w);
  } else {
    w = it->second;
  }
  w->want_read = readable;
  w->want_write = writable;
  arm(w);
}

void ares_loop::arm(const std::shared_ptr<watch>& w) {
  if (w->closed)
    return;
  if (w->want_read && !w->reading) {
    w->reading = true;
    w->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                             [self = shared_from_this(), w](const asio::error_code& ec) {
                               w->reading = false;
                               if (ec || w->closed || !self->channel_)
                                 return;
                               self->process(w->fd, ARES_SOCKET_BAD);
                               self->arm(w);
                             });
  }
  if (w->want_write && !w->writing) {
    w->writing = true;
    w->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                             [self = shared_from_this(), w](const asio::error_code& ec) {
                               w->writing = false;
                               if (ec || w->closed || !self->channel_)
                                 return;
                               self->process(ARES_SOCKET_BAD, w->fd);
                               self->arm(w);
                             });
  }
}

void ares_loop::process(int read_fd, int write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  arm_timer();
}

void ares_loop::started() { arm_timer(); }

void ares_loop::arm_timer() {
  if (!channel_)
    return;
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) {
    timer_.cancel(); // nothing pending
    return;
  }
  timer_.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
  timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (ec || !self->channel_)
      return;
    self->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  });
}

} // namespace temblor::connectors::dns
