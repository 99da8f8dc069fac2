#include "connectors/common/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "connectors/common/config_reader.hpp"

namespace temblor::connectors::common {

namespace {

bool set_flag(int fd, int level, int name, bool on, const char* label, std::string& err) {
  int flag = on ? 1 : 0;
  if (::setsockopt(fd, level, name, &flag, sizeof(flag)) != 0) {
    err = std::string("cannot set ") + label + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

} // namespace

bool socket_options::parse(const value& config, std::string& err) {
  if (const value* opts = config.get("socket_options"); opts != nullptr && !opts->is_null()) {
    if (!read_optional_bool(*opts, "SO_REUSEADDR", reuse_addr, err) ||
        !read_optional_bool(*opts, "SO_REUSEPORT", reuse_port, err) ||
        !read_optional_bool(*opts, "TCP_NODELAY", no_delay, err)) {
      err = "socket_options: " + err;
      return false;
    }
  }
  return read_optional_bool(config, "no_delay", no_delay, err);
}

config_field socket_options_field() {
  return record_key("socket_options", value_types::record,
                    {optional_key("SO_REUSEADDR", value_types::boolean, {}, "Rebind a port in TIME_WAIT (servers; default true)."),
                     optional_key("SO_REUSEPORT", value_types::boolean, {}, "Share the port with other sockets (servers; default false)."),
                     optional_key("TCP_NODELAY", value_types::boolean, {}, "Send small writes at once (default true).")},
                    "Socket options; unknown names are rejected.");
}

config_field no_delay_field() {
  return optional_key("no_delay", value_types::boolean, {}, "Tremor 0.12's spelling of `socket_options.TCP_NODELAY`.");
}

bool apply_bind_options(int fd, const socket_options& opts, std::string& err) {
  return set_flag(fd, SOL_SOCKET, SO_REUSEADDR, opts.reuse_addr, "SO_REUSEADDR", err) &&
         set_flag(fd, SOL_SOCKET, SO_REUSEPORT, opts.reuse_port, "SO_REUSEPORT", err);
}

bool apply_no_delay(int fd, bool on, std::string& err) {
  return set_flag(fd, IPPROTO_TCP, TCP_NODELAY, on, "TCP_NODELAY", err);
}

} // namespace temblor::connectors::common
