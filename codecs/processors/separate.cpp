#include "codecs/processors/separate.hpp"

#include <cstring>

#include "codecs/config.hpp"

namespace temblor::codecs {

namespace {

// Tremor's limit when `separate` is named without a config record.
constexpr uint64_t bare_name_max_length = 8192;

} // namespace

bool separate_config::parse(const value& config, std::string_view owner, separate_config& out,
                            std::string& err) {
  out = separate_config{};
  if (config.is_null()) {
    out.max_length = bare_name_max_length;
    return true;
  }
  if (!check_config_keys(config, owner, {"separator", "max_length", "buffered"}, err))
    return false;
  std::string sep = "\n";
  if (!read_string(config, "separator", owner, sep, err)
      || !read_u64(config, "max_length", owner, out.max_length, err)
      || !read_bool(config, "buffered", owner, out.buffered, err))
    return false;
  if (sep.size() != 1) {
    err = "`separator` in the " + std::string(owner) + " config must be exactly one byte, got "
          + std::to_string(sep.size());
    return false;
  }
  out.separator = sep[0];
  return true;
}

// -- preprocessor -------------------------------------------------------------

void separate_preprocessor::too_long(uint64_t length) {
  if (errors_++ == 0)
    first_error_ = "separate: discarded an event of at least " + std::to_string(length)
                   + " bytes, longer than max_length " + std::to_string(cfg_.max_length);
}

void separate_preprocessor::emit(std::string_view line, chunk_sink& out) {
  if (cfg_.max_length != 0 && line.size() > cfg_.max_length) {
    too_long(line.size());
    return;
  }
  out.chunk(line);
}

bool separate_preprocessor::process(uint64_t& ingest_ns, std::string_view data,
                                    std::vector<std::string>& out, std::string& err) {
  struct copies final : chunk_sink {
    std::vector<std::string>& out;
    explicit copies(std::vector<std::string>& o) : out(o) {}
    void chunk(std::string_view line) override { out.emplace_back(line); }
  } sink(out);
  return process_views(ingest_ns, data, sink, err);
}

bool separate_preprocessor::process_views(uint64_t&, std::string_view data, chunk_sink& out,
                                          std::string& err) {
  errors_ = 0;
  const char* p = data.data();
  const char* end = p + data.size();
  while (p < end) {
    const auto* hit = static_cast<const char*>(
        std::memchr(p, cfg_.separator, static_cast<size_t>(end - p)));
    if (hit == nullptr) {
      std::string_view tail(p, static_cast<size_t>(end - p));
      if (!cfg_.buffered) {
        emit(tail, out);
      } else if (!discarding_) {
        buffer_.append(tail);
        if (cfg_.max_length != 0 && buffer_.size() > cfg_.max_length) {
          // Fail early rather than buffering an unbounded line.
          too_long(buffer_.size());
          buffer_.clear();
          discarding_ = true;
        }
      }
      break;
    }
    std::string_view line(p, static_cast<size_t>(hit - p));
    p = hit + 1;
    if (discarding_) {
      discarding_ = false; // this separator ends the over-long line
      continue;
    }
    if (buffer_.empty()) {
      emit(line, out);
    } else {
      buffer_.append(line);
      emit(buffer_, out);
      buffer_.clear();
    }
  }
  if (errors_ == 0)
    return true;
  err = first_error_;
  if (errors_ > 1)
    err += " (and " + std::to_string(errors_ - 1) + " more)";
  return false;
}

bool separate_preprocessor::finish(std::vector<std::string>& out, std::string& err) {
  discarding_ = false;
  if (buffer_.empty())
    return true;
  // The fragment already passed the length check while it was buffered.
  out.push_back(std::move(buffer_));
  buffer_.clear();
  (void)err;
  return true;
}

// -- postprocessor ------------------------------------------------------------

bool separate_postprocessor::process(uint64_t, uint64_t, std::string data,
                                     std::vector<std::string>& out, std::string&) {
  data.push_back(separator_);
  out.push_back(std::move(data));
  return true;
}

std::unique_ptr<preprocessor> make_separate_preprocessor(const value& config, std::string& err) {
  separate_config cfg;
  if (!separate_config::parse(config, "separate preprocessor", cfg, err))
    return nullptr;
  return std::make_unique<separate_preprocessor>(cfg);
}

std::unique_ptr<postprocessor> make_separate_postprocessor(const value& config, std::string& err) {
  // The same keys as the preprocessor are accepted, so one config record can
  // serve both sides; only the separator matters here.
  separate_config cfg;
  if (!separate_config::parse(config, "separate postprocessor", cfg, err))
    return nullptr;
  return std::make_unique<separate_postprocessor>(cfg.separator);
}

} // namespace temblor::codecs
