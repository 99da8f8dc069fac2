#include "connectors/unix_socket/unix_socket_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>

#include <asio/local/stream_protocol.hpp>

#include "connectors/common/config_reader.hpp"
#include "connectors/common/stream_connector.hpp"

namespace temblor::connectors::unix_socket {

namespace {

using protocol = asio::local::stream_protocol;

constexpr size_t max_path = sizeof(sockaddr_un{}.sun_path) - 1;
constexpr int backlog = 128;

enum class occupant { none, stale, live, unknown };

/// Tells a socket file a crashed run left behind (nobody accepts on it)
/// from one a live process serves.
occupant probe(const std::string& path, std::string& why) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    why = std::strerror(errno);
    return occupant::unknown;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  int error = errno;
  ::close(fd);
  // A listener answers at once, or says its backlog is full (EAGAIN).
  if (rc == 0 || error == EAGAIN)
    return occupant::live;
  if (error == ECONNREFUSED)
    return occupant::stale;
  why = std::strerror(error);
  return occupant::unknown;
}

/// Listens on a socket file that appears at `path` with its permissions
/// already set: bound under a temporary name, chmod-ed, then renamed over
/// the path (which also replaces a stale file in one step).
class unix_server_flavor final : public common::server_flavor {
public:
  explicit unix_server_flavor(const unix_socket_server_config& cfg) : cfg_(cfg) {}

  bool listen(asio::io_context& io, std::string& where, std::string& err) override {
    const std::string& path = cfg_.path;
    const std::string what = "cannot listen on `" + path + "`: ";
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        err = what + "a file that is not a socket is in the way";
        return false;
      }
      std::string why;
      switch (probe(path, why)) {
        case occupant::live: err = what + "another process listens on it"; return false;
        case occupant::unknown: err = what + "cannot tell whether it is in use: " + why; return false;
        default: break; // stale: replaced below
      }
    } else if (errno != ENOENT) {
      err = what + std::strerror(errno);
      return false;
    }
    static std::atomic<unsigned> counter{0};
    std::string temp = path + "." + std::to_string(::getpid()) + "." + std::to_string(counter++) + ".tmp";
    const bool via_temp = temp.size() <= max_path;
    const std::string& bound = via_temp ? temp : path;
    ::unlink(bound.c_str()); // a leftover temporary, or (no room for one) the stale file
    asio::error_code ec;
    acceptor_.emplace(io);
    acceptor_->open(protocol(), ec);
    if (!ec)
      acceptor_->bind(protocol::endpoint(bound), ec);
    if (!ec)
      acceptor_->listen(backlog, ec);
    if (ec) {
      err = what + ec.message();
      abandon(via_temp ? temp : std::string());
      return false;
    }
    if (cfg_.permissions) {
      struct stat created {};
      if (::stat(bound.c_str(), &created) != 0 ||
          ::chmod(bound.c_str(), cfg_.permissions->apply(created.st_mode & 07777)) != 0) {
        err = what + "cannot set `permissions`: " + std::strerror(errno);
        abandon(bound);
        return false;
      }
    }
    if (via_temp && ::rename(temp.c_str(), path.c_str()) != 0) {
      err = what + std::strerror(errno);
      abandon(temp);
      return false;
    }
    if (::stat(path.c_str(), &st) == 0) {
      owned_ = true;
      device_ = st.st_dev;
      inode_ = st.st_ino;
    }
    where = path;
    return true;
  }

  bool listening() const override { return acceptor_ && acceptor_->is_open(); }

  void async_accept(accept_handler done) override {
    acceptor_->async_accept([done = std::move(done)](const asio::error_code& ec,
                                                     protocol::socket socket) {
      accepted a;
      if (!ec)
        a.transport = std::make_unique<common::plain_transport<protocol::socket>>(std::move(socket));
      done(ec, std::move(a));
    });
  }

  void close() override {
    if (acceptor_) {
      asio::error_code ignored;
      acceptor_->close(ignored);
    }
    // Only our own file: a newer server may have taken the path since.
    struct stat st {};
    if (owned_ && ::lstat(cfg_.path.c_str(), &st) == 0 && st.st_dev == device_ &&
        st.st_ino == inode_)
      ::unlink(cfg_.path.c_str());
    owned_ = false;
  }

  std::string key_of(uint64_t stream, const accepted&) const override {
    return std::to_string(stream);
  }

  value meta_of(uint64_t stream, const accepted&) const override {
    record server{{"path", cfg_.path}, {"peer", stream}};
    return value(record{{"unix_socket_server", std::move(server)}});
  }

  bool key_in(const value& meta, std::string& key) const override {
    const value* server = meta.get("unix_socket_server");
    const value* peer = server ? server->get("peer") : nullptr;
    uint64_t stream = 0;
    if (peer == nullptr || !peer->get_u64(stream))
      return false;
    key = std::to_string(stream);
    return true;
  }

private:
  void abandon(const std::string& file) {
    asio::error_code ignored;
    if (acceptor_)
      acceptor_->close(ignored);
    acceptor_.reset();
    if (!file.empty())
      ::unlink(file.c_str());
  }

  const unix_socket_server_config cfg_;
  std::optional<protocol::acceptor> acceptor_;
  bool owned_ = false;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

std::unique_ptr<connector> make_unix_socket_server(const connector_args& args, std::string& err) {
  unix_socket_server_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  auto flavor = [cfg] { return std::make_unique<unix_server_flavor>(cfg); };
  return common::make_stream_server_connector(args, cfg.limits, flavor, nullptr);
}

} // namespace

bool unix_socket_server_config::parse(const value& config, std::string& err) {
  if (!common::read_string(config, "path", path, err))
    return false;
  if (path.empty() || path.size() > max_path) {
    err = "`path` must have 1 to " + std::to_string(max_path) + " bytes";
    return false;
  }
  std::string mode;
  if (!common::read_optional_string(config, "permissions", mode, err))
    return false;
  if (!mode.empty()) {
    file_mode parsed;
    if (!file_mode::parse(mode, parsed, err))
      return false;
    permissions = parsed;
  }
  return limits.parse(config, err);
}

const connector_descriptor& unix_socket_server_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "unix_socket_server";
    d.summary = "Unix domain socket server; each connection is a stream, replies go back to it";
    d.config = {
      required_key("path", value_types::string, "The socket file; a stale one from a crashed run is replaced, a live one or any other file is an error; removed on stop."),
      optional_key("permissions", value_types::string, {}, "The socket file's mode as chmod writes it (\"=600\", \"u=rw,g=r\"), set before the file appears; the umask decides when absent."),
    };
    for (auto& f : common::stream_server_fields())
      d.config.push_back(std::move(f));
    d.make = &make_unix_socket_server;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::unix_socket
