#include "connectors/udp/udp_server.hpp"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>

#include "connectors/common/url_setting.hpp"
#include "connectors/udp/datagram_queue.hpp"
#include "connectors/udp/udp_socket.hpp"

namespace temblor::connectors::udp {

bool udp_server_config::parse(const value& config, std::string& err) {
  if (!common::read_url(config, "udp", url, err))
    return false;
  config.get("buf_size")->get_u64(buf_size);
  if (buf_size == 0) {
    err = "`buf_size` must be at least 1 (bytes kept of each datagram)";
    return false;
  }
  return parse_udp_socket_options(config, socket, err);
}

namespace {

/// Datagrams read (and handed over) in one go before the loop turns to
/// other connectors.
constexpr int read_budget = 256;
/// What the datagrams read ahead of a paused flow may take (datagram_queue):
/// at 100k small datagrams/s about 0.4 s of input, where the kernel's
/// default buffer holds a few ms.
constexpr size_t queue_bytes = 4 << 20;
/// No datagram is larger, so a bigger `buf_size` would only waste memory.
constexpr size_t largest_datagram = 65536;
/// Datagrams read with one recvmmsg, and the memory their buffers may take.
constexpr size_t max_batch = 64;
constexpr size_t batch_bytes = 256 * 1024;
/// Kernel drops are logged at most this often (and once more at the end).
constexpr auto drop_log_interval = std::chrono::seconds(10);

/// The socket half, owned by its handlers so a stop() that races a pending
/// read leaves nothing dangling. Every method runs on the connector's loop.
///
/// Each loop turn hands queued datagrams to the flow (unless paused), reads
/// what the socket holds into the queue (paused or not, while the queue has
/// room), and hands over again. So a pause (the flow fell behind) stops the
/// hand-over, not the reading: the kernel's small buffer does not overflow
/// during a short stall downstream.
class receiver : public std::enable_shared_from_this<receiver> {
public:
  receiver(asio::io_context& io, std::shared_ptr<connector_context> ctx, size_t buf_size)
    : socket_(io), ctx_(std::move(ctx)), datagram_size_(std::min<size_t>(buf_size, largest_datagram)),
      queue_(queue_bytes), truncated_(ctx_->counter("datagrams_truncated")),
      kernel_drops_(ctx_->counter("datagrams_dropped_by_kernel")),
      dropped_at_stop_(ctx_->counter("datagrams_dropped_at_stop")) {
    const size_t slots = std::clamp<size_t>(batch_bytes / datagram_size_, 1, max_batch);
    buf_.resize(slots * datagram_size_);
    iovecs_.resize(slots);
    slots_.resize(slots);
    for (size_t i = 0; i < slots; ++i) {
      iovecs_[i] = iovec{buf_.data() + i * datagram_size_, datagram_size_};
      slots_[i] = mmsghdr{};
      slots_[i].msg_hdr.msg_iov = &iovecs_[i];
      slots_[i].msg_hdr.msg_iovlen = 1;
    }
  }

  void bind(const udp_address& local, const common::socket_options& opts) {
    close_socket();
    if (stopped_)
      return;
    std::string err;
    int fd = open_bound_socket(local, opts, err);
    if (fd < 0) {
      ctx_->connect_failed(err);
      return;
    }
    udp_address bound;
    bound.length = sizeof(bound.storage);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound.storage), &bound.length);
    asio::error_code ec;
    socket_.assign(local.family() == AF_INET6 ? asio::ip::udp::v6() : asio::ip::udp::v4(), fd,
                   ec);
    if (ec) {
      ::close(fd);
      ctx_->connect_failed("cannot watch the socket: " + ec.message());
      return;
    }
    drops_before_ = kernel_drops_.load(std::memory_order_relaxed);
    ctx_->log(log_level::info, "listening on " + bound.to_string());
    ctx_->connected();
    wait_readable();
  }

  void resume() {
    paused_ = false;
    post_turn();
  }
  void pause() { paused_ = true; }

  asio::ip::udp::socket::executor_type executor() { return socket_.get_executor(); }

  void stop() {
    stopped_ = true;
    queue_.clear();
    close_socket();
  }

  /// A graceful stop: reads nothing more, and gives what the kernel
  /// dropped in all (the log's last word on it may be up to
  /// drop_log_interval old). The runtime has finished the source by now,
  /// so what waits in the queue can no longer be handed over: it is counted.
  void drain() {
    if (socket_.is_open())
      note_kernel_drops(socket_.native_handle());
    const uint64_t total = kernel_drops_.load(std::memory_order_relaxed);
    if (total > 0)
      ctx_->log(log_level::warning, std::to_string(total) +
                                      " datagram(s) dropped by the kernel in all (counter "
                                      "datagrams_dropped_by_kernel)");
    if (const size_t unsent = queue_.clear(); unsent > 0) {
      dropped_at_stop_.fetch_add(unsent, std::memory_order_relaxed);
      ctx_->log(log_level::warning,
                std::to_string(unsent) +
                  " datagram(s) read but not yet handed to the flow were dropped by the "
                  "graceful stop (counter datagrams_dropped_at_stop)");
    }
    stop();
  }

private:
  void turn() {
    if (stopped_ || !socket_.is_open())
      return;
    hand_over();
    const bool socket_empty = read_some(read_budget);
    hand_over();
    const bool more_to_hand = !paused_ && !queue_.empty();
    if (more_to_hand || (!socket_empty && queue_.has_room()))
      post_turn(); // yield to the loop's other handlers, then go on
    else if (queue_.has_room())
      wait_readable();
    // else paused with a full queue: the kernel holds (then drops) the
    // rest until resume() starts the next turn.
  }

  void post_turn() {
    if (posted_ || stopped_)
      return;
    posted_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->posted_ = false;
      self->turn();
    });
  }

  void wait_readable() {
    if (waiting_ || stopped_ || !socket_.is_open())
      return;
    waiting_ = true;
    socket_.async_wait(asio::ip::udp::socket::wait_read,
                       [self = shared_from_this()](const asio::error_code& ec) {
                         self->waiting_ = false;
                         if (!ec)
                           self->turn();
                       });
  }

  /// Hands up to read_budget queued datagrams to the flow unless paused.
  void hand_over() {
    for (int i = 0; i < read_budget && !paused_ && !queue_.empty(); ++i)
      ctx_->receive_bytes(0, queue_.pop(), value{});
  }

  /// Reads up to `budget` datagrams into the queue while it has room; true
  /// once the socket has no more.
  bool read_some(size_t budget) {
    if (!socket_.is_open())
      return true;
    const int fd = socket_.native_handle();
    size_t read = 0;
    bool empty = false;
    while (read < budget && queue_.has_room()) {
      // One system call for a batch: on a busy port the call, not the copy,
      // is what costs.
      const unsigned want = static_cast<unsigned>(std::min(slots_.size(), budget - read));
      int n = ::recvmmsg(fd, slots_.data(), want, MSG_DONTWAIT, nullptr);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          empty = true;
          break;
        }
        std::string reason = std::string("cannot read a datagram: ") + std::strerror(errno);
        close_socket();
        ctx_->connection_lost(std::move(reason));
        return true;
      }
      for (int i = 0; i < n; ++i) {
        auto& slot = slots_[static_cast<size_t>(i)];
        if ((slot.msg_hdr.msg_flags & MSG_TRUNC) != 0)
          note_truncated();
        queue_.push(std::string(static_cast<const char*>(slot.msg_hdr.msg_iov->iov_base),
                                slot.msg_len));
        slot.msg_hdr.msg_flags = 0;
      }
      read += static_cast<size_t>(n);
      if (static_cast<unsigned>(n) < want) {
        empty = true; // the socket is empty
        break;
      }
    }
    note_kernel_drops(fd);
    return empty;
  }

  // The kernel counts the datagrams it dropped because the receive buffer
  // was full (we read too slowly, or were paused by backpressure); operators
  // see them as a counter, brought up to date whenever the server reads,
  // and in the log (not more often than drop_log_interval).
  void note_kernel_drops(int fd) {
    uint32_t info[SK_MEMINFO_VARS] = {};
    socklen_t len = sizeof(info);
    if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &len) != 0 || len <= SK_MEMINFO_DROPS * 4)
      return;
    const uint64_t total = drops_before_ + info[SK_MEMINFO_DROPS];
    kernel_drops_.store(total, std::memory_order_relaxed);
    const auto now = std::chrono::steady_clock::now();
    if (total <= drops_logged_ || (drops_logged_ > 0 && now - last_drop_log_ < drop_log_interval))
      return;
    ctx_->log(log_level::warning,
              std::to_string(total) +
                " datagram(s) dropped by the kernel so far: they came faster than the flow "
                "takes them (counter datagrams_dropped_by_kernel)");
    drops_logged_ = total;
    last_drop_log_ = now;
  }

  // Tremor hands on what fits in `buf_size`; the rest is gone, so say so.
  void note_truncated() {
    uint64_t n = truncated_.fetch_add(1, std::memory_order_relaxed) + 1;
    if ((n & (n - 1)) == 0) // the 1st, 2nd, 4th, 8th… time
      ctx_->log(log_level::warning,
                "a datagram was longer than `buf_size` (" + std::to_string(datagram_size_) +
                  " bytes) and was cut to it; " + std::to_string(n) +
                  " so far (counter datagrams_truncated)");
  }

  void close_socket() {
    asio::error_code ignored;
    socket_.close(ignored);
  }

  asio::ip::udp::socket socket_;
  std::shared_ptr<connector_context> ctx_;
  size_t datagram_size_;
  std::vector<char> buf_;       ///< one slot of datagram_size_ bytes per batch entry
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> slots_;
  datagram_queue queue_;
  std::atomic<uint64_t>& truncated_;
  std::atomic<uint64_t>& kernel_drops_;
  std::atomic<uint64_t>& dropped_at_stop_;
  uint64_t drops_before_ = 0; ///< drops counted on earlier sockets (before a reconnect)
  uint64_t drops_logged_ = 0;
  std::chrono::steady_clock::time_point last_drop_log_;
  bool paused_ = true;
  bool posted_ = false;  ///< a turn is posted to the loop
  bool waiting_ = false; ///< a wait for readability is pending
  bool stopped_ = false;
};

class udp_server_connector final : public connector {
public:
  udp_server_connector(udp_server_config cfg, std::shared_ptr<connector_context> ctx)
    : cfg_(std::move(cfg)), ctx_(std::move(ctx)) {}
  ~udp_server_connector() override { stop(); }

  connector_ports ports() const override { return source_ports(); }

  void start(const start_args& args) override {
    blocking_ = args.services.blocking;
    receiver_ = std::make_shared<receiver>(args.services.io->next(), ctx_, cfg_.buf_size);
  }

  void connect() override {
    if (!receiver_)
      return;
    // getaddrinfo may block on a host name: resolve on the blocking pool,
    // bind on the loop.
    blocking_->post([r = receiver_, ctx = ctx_, host = cfg_.url.host, port = cfg_.url.port,
                     opts = cfg_.socket, exec = receiver_->executor()] {
      udp_address local;
      std::string err;
      if (!resolve(host, port, AF_UNSPEC, local, err)) {
        ctx->connect_failed(err);
        return;
      }
      asio::post(exec, [r, local, opts] { r->bind(local, opts); });
    });
  }

  void resume() override {
    on_loop([](receiver& r) { r.resume(); });
  }
  void pause() override {
    on_loop([](receiver& r) { r.pause(); });
  }
  // A graceful stop reads nothing more: what was read still reaches the
  // sinks, what waits in the kernel is not taken.
  void drain() override {
    on_loop([](receiver& r) { r.drain(); });
  }
  void stop() override {
    on_loop([](receiver& r) { r.stop(); });
    receiver_.reset();
  }

private:
  template <class F>
  void on_loop(F f) {
    if (receiver_)
      asio::post(receiver_->executor(), [r = receiver_, f] { f(*r); });
  }

  udp_server_config cfg_;
  std::shared_ptr<connector_context> ctx_;
  io::blocking_pool* blocking_ = nullptr;
  std::shared_ptr<receiver> receiver_;
};

std::unique_ptr<connector> make_udp_server(const connector_args& args, std::string& err) {
  udp_server_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  return std::make_unique<udp_server_connector>(std::move(cfg), args.context);
}

} // namespace

const connector_descriptor& udp_server_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "udp_server";
    d.summary = "receives UDP datagrams; each one is a chunk for the preprocessors and codec";
    d.config = {
      required_key("url", value_types::string,
                   "Where to bind: `host:port` or `udp://host:port`; port 0 takes a free port "
                   "and logs it."),
      optional_key("buf_size", value_types::unsigned_int, 8192,
                   "Bytes kept of each datagram; a longer one is cut to this size and counted "
                   "(`datagrams_truncated`). Raise it for datagrams over 8 KiB."),
      udp_socket_options_field(),
    };
    d.make = &make_udp_server;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::udp
