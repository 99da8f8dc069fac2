#include "connectors/file/file.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "connectors/common/config_reader.hpp"
#include "connectors/file/xz_decoder.hpp"

namespace temblor::connectors {

namespace {

enum class file_mode { read, truncate, append, overwrite };

struct file_config {
  std::string path;
  file_mode mode = file_mode::read;
  uint64_t chunk_size = 8192;

  bool parse(const value& config, std::string& err) {
    if (!common::read_string(config, "path", path, err))
      return false;
    std::string mode_text;
    if (!common::read_string(config, "mode", mode_text, err))
      return false;
    if (mode_text == "read") mode = file_mode::read;
    else if (mode_text == "write" || mode_text == "truncate") mode = file_mode::truncate;
    else if (mode_text == "append") mode = file_mode::append;
    else if (mode_text == "overwrite") mode = file_mode::overwrite;
    else {
      err = "`mode` must be one of read, write, truncate, append, overwrite; got `" + mode_text + "`";
      return false;
    }
    return common::read_optional_uint(config, "chunk_size", 1 << 26, chunk_size, err);
  }
};

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

class file_connector final : public connector {
public:
  file_connector(file_config cfg, std::shared_ptr<connector_context> ctx)
    : cfg_(std::move(cfg)), ctx_(std::move(ctx)) {
    if (cfg_.chunk_size == 0)
      cfg_.chunk_size = 8192;
    // One pull reads several chunks so batches stay large for small chunk sizes.
    read_budget_ = std::max<uint64_t>(cfg_.chunk_size, 128 * 1024);
    record file_meta;
    file_meta.set("path", cfg_.path);
    meta_.set("file", value{std::move(file_meta)});
  }
  ~file_connector() override { close_fd(); }

  connector_ports ports() const override {
    return cfg_.mode == file_mode::read ? source_ports() : sink_ports();
  }

  void connect() override {
    close_fd();
    int flags = O_CLOEXEC;
    switch (cfg_.mode) {
      case file_mode::read: flags |= O_RDONLY; break;
      case file_mode::truncate: flags |= O_WRONLY | O_CREAT | O_TRUNC; break;
      case file_mode::append: flags |= O_WRONLY | O_CREAT | O_APPEND; break;
      case file_mode::overwrite: flags |= O_WRONLY | O_CREAT; break;
    }
    // After a successful open, a reconnect appends instead of truncating again.
    if (opened_once_ && cfg_.mode != file_mode::read)
      flags = O_CLOEXEC | O_WRONLY | O_CREAT | O_APPEND;
    fd_ = ::open(cfg_.path.c_str(), flags, 0644);
    if (fd_ < 0) {
      ctx_->connect_failed(errno_text("cannot open", cfg_.path));
      return;
    }
    opened_once_ = true;
    eof_ = false;
    if (cfg_.mode == file_mode::read && is_xz_path(cfg_.path))
      xz_ = std::make_unique<xz_decoder>();
    ctx_->connected();
  }

  bool pull() override {
    if (fd_ < 0 || eof_)
      return false;
    std::string chunk;
    uint64_t total = 0;
    while (total < read_budget_) {
      chunk.resize(cfg_.chunk_size);
      ssize_t n = ::read(fd_, chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        if (n < 0)
          ctx_->log(log_level::error, errno_text("cannot read", cfg_.path));
        if (xz_)
          forward(std::string_view{});
        eof_ = true;
        ctx_->stream_finished(0);
        ctx_->source_finished();
        return false;
      }
      chunk.resize(static_cast<size_t>(n));
      total += static_cast<uint64_t>(n);
      if (xz_)
        forward(chunk);
      else
        ctx_->receive_bytes(0, std::move(chunk), meta_);
      chunk = std::string{};
    }
    return true;
  }

  // Decompresses a chunk of an .xz file; an empty chunk finishes the stream.
  void forward(std::string_view compressed) {
    std::string plain, err;
    if (!xz_->feed(compressed, plain, err))
      ctx_->log(log_level::error, cfg_.path + ": " + err);
    if (!plain.empty())
      ctx_->receive_bytes(0, std::move(plain), meta_);
  }

  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    if (fd_ < 0)
      return sink_outcome::failed;
    frames_.clear();
    std::string err;
    if (!ser.serialize(0, ev.payload, ev.ingest_ns, frames_, err)) {
      ctx_->log(log_level::error, "cannot encode event: " + err);
      return sink_outcome::failed;
    }
    for (auto& f : frames_)
      buffer_ += f;
    if (buffer_.size() >= 1 << 20)
      return flush_buffer() ? sink_outcome::done : sink_outcome::failed;
    return sink_outcome::done;
  }

  void flush() override { flush_buffer(); }

  void finish(serializer& ser) override {
    frames_.clear();
    ser.finish_stream(0, frames_);
    for (auto& f : frames_)
      buffer_ += f;
  }

  void stop() override {
    flush_buffer();
    close_fd();
  }

private:
  bool flush_buffer() {
    size_t offset = 0;
    while (offset < buffer_.size() && fd_ >= 0) {
      ssize_t n = ::write(fd_, buffer_.data() + offset, buffer_.size() - offset);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0) {
        buffer_.clear();
        ctx_->connection_lost(errno_text("cannot write", cfg_.path));
        return false;
      }
      offset += static_cast<size_t>(n);
    }
    buffer_.clear();
    return true;
  }

  void close_fd() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  file_config cfg_;
  std::shared_ptr<connector_context> ctx_;
  value meta_;
  uint64_t read_budget_ = 0;
  int fd_ = -1;
  bool eof_ = false;
  bool opened_once_ = false;
  std::unique_ptr<xz_decoder> xz_;
  std::string buffer_;
  std::vector<std::string> frames_;
};

std::unique_ptr<connector> make_file(const connector_args& args, std::string& err) {
  file_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  return std::make_unique<file_connector>(std::move(cfg), args.context);
}

} // namespace

const connector_descriptor& file_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "file";
    d.summary = "reads a file (`mode` `read`, `.xz` decompressed) or writes one";
    d.config = {
      required_key("path", value_types::string, "The file; relative paths are relative to the working directory."),
      required_key("mode", value_types::string, "`read`, `write`/`truncate`, `append` or `overwrite`. After a reconnect a sink appends."),
      optional_key("chunk_size", value_types::unsigned_int, 8192, "Bytes per read."),
    };
    d.make = &make_file;
    d.blocking = true;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
