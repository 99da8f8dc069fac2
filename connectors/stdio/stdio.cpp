#include "connectors/stdio/stdio.hpp"

#include <cerrno>
#include <cstring>

#include <unistd.h>

#include "connectors/stdio/stdin_reader.hpp"

namespace temblor::connectors {

namespace {

bool write_all(int fd, const std::string& data) {
  size_t offset = 0;
  while (offset < data.size()) {
    ssize_t n = ::write(fd, data.data() + offset, data.size() - offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    offset += static_cast<size_t>(n);
  }
  return true;
}

class stdio_connector final : public connector {
public:
  explicit stdio_connector(std::shared_ptr<connector_context> ctx) : ctx_(std::move(ctx)) {}

  connector_ports ports() const override { return {{"in", "stdout", "stderr"}, {"out", "err"}}; }

  void start(const start_args& args) override {
    pool_ = args.services.blocking;
    // Only a linked source takes a share of stdin: `console`-style sinks
    // must not swallow the input of another flow's stdio source.
    reads_ = args.source_linked;
  }
  void connect() override { ctx_->connected(); }

  // stdin is read from the first resume, i.e. once the sinks downstream are up.
  void resume() override {
    if (subscription_ || !reads_ || !pool_)
      return;
    auto ctx = ctx_;
    subscription_ = subscribe_stdin(
      *pool_, [ctx](const std::string& chunk) { ctx->receive_bytes(0, chunk, value{}); },
      [ctx] {
        ctx->stream_finished(0);
        ctx->source_finished();
      });
  }

  void drain() override { subscription_.reset(); }

  sink_outcome write(std::string_view port, const event& ev, serializer& ser) override {
    frames_.clear();
    std::string err;
    // Each port is its own stream so their framing state stays apart.
    uint64_t stream = port == "stderr" ? 2 : 1;
    // A closed pipe stays closed: fail (and count) instead of writing on.
    if (broken_[stream])
      return sink_outcome::failed;
    if (!ser.serialize(stream, ev.payload, ev.ingest_ns, frames_, err)) {
      ctx_->log(log_level::error, "cannot encode event: " + err);
      return sink_outcome::failed;
    }
    auto& buffer = port == "stderr" ? err_buffer_ : out_buffer_;
    for (const auto& f : frames_)
      buffer += f;
    return sink_outcome::done;
  }

  void finish(serializer& ser) override {
    frames_.clear();
    ser.finish_stream(1, frames_);
    for (const auto& f : frames_)
      out_buffer_ += f;
    frames_.clear();
    ser.finish_stream(2, frames_);
    for (const auto& f : frames_)
      err_buffer_ += f;
  }

  void flush() override {
    flush_fd(1, out_buffer_);
    flush_fd(2, err_buffer_);
  }

  void stop() override {
    flush();
    subscription_.reset();
  }

private:
  void flush_fd(int fd, std::string& buffer) {
    if (buffer.empty() || broken_[fd]) {
      buffer.clear();
      return;
    }
    if (!write_all(fd, buffer)) {
      // Once, not per event: a reader that went away (`| head`) is normal.
      broken_[fd] = true;
      ctx_->log(log_level::error, std::string("cannot write to ") +
                                    (fd == 1 ? "stdout" : "stderr") + ": " + std::strerror(errno) +
                                    "; this sink stops writing there, and its events fail");
    }
    buffer.clear();
  }

  std::shared_ptr<connector_context> ctx_;
  bool broken_[3] = {false, false, false}; ///< by fd
  io::blocking_pool* pool_ = nullptr;
  bool reads_ = false;
  std::unique_ptr<stdin_subscription> subscription_;
  std::vector<std::string> frames_;
  std::string out_buffer_;
  std::string err_buffer_;
};

std::unique_ptr<connector> make_stdio(const connector_args& args, std::string&) {
  return std::make_unique<stdio_connector>(args.context);
}

} // namespace

const connector_descriptor& stdio_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "stdio";
    d.summary = "reads stdin; writes `in`/`stdout` to stdout and `stderr` to stderr";
    d.make = &make_stdio;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
