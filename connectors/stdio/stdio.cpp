#include "connectors/stdio/stdio.hpp"

#include <cerrno>
#include <cstring>

#include <unistd.h>

#include "connectors/common/config_reader.hpp"
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

  bool has_source() const override { return true; }
  bool has_sink() const override { return true; }

  void connect() override { ctx_->connected(); }

  // stdin is read on first pull, i.e. once something is linked to `out` and
  // the sinks downstream are up; it is push-based from then on.
  bool pull() override {
    if (!subscription_) {
      auto ctx = ctx_;
      subscription_ = subscribe_stdin(
        [ctx](const std::string& chunk) { ctx->receive_bytes(0, chunk, value{}); },
        [ctx] {
          ctx->stream_finished(0);
          ctx->source_finished();
        });
    }
    return false;
  }

  void drain() override { subscription_.reset(); }

  sink_outcome write(std::string_view port, const event& ev, serializer& ser) override {
    frames_.clear();
    std::string err;
    // Each port is its own stream so their framing state stays apart.
    uint64_t stream = port == "stderr" ? 2 : 1;
    if (!ser.serialize(stream, ev.payload, ev.ingest_ns, frames_, err)) {
      ctx_->log(log_level::error, "cannot encode event: " + err);
      return sink_outcome::failed;
    }
    auto& buffer = port == "stderr" ? err_buffer_ : out_buffer_;
    for (const auto& f : frames_)
      buffer += f;
    return sink_outcome::done;
  }

  void flush() override {
    bool ok = write_all(1, out_buffer_) && write_all(2, err_buffer_);
    out_buffer_.clear();
    err_buffer_.clear();
    if (!ok)
      ctx_->log(log_level::error, std::string("cannot write to stdout/stderr: ") + std::strerror(errno));
  }

  void stop() override {
    flush();
    subscription_.reset();
  }

private:
  std::shared_ptr<connector_context> ctx_;
  std::unique_ptr<stdin_subscription> subscription_;
  std::vector<std::string> frames_;
  std::string out_buffer_;
  std::string err_buffer_;
};

std::unique_ptr<connector> make_stdio(const connector_args& args, std::string& err) {
  if (!common::check_keys(args.config, "config", {}, err))
    return nullptr;
  return std::make_unique<stdio_connector>(args.context);
}

} // namespace

const connector_descriptor& stdio_descriptor() {
  static const connector_descriptor d{"stdio", "reads stdin, writes stdout and stderr",
                                      codec_requirement::required, &make_stdio, false};
  return d;
}

} // namespace temblor::connectors
