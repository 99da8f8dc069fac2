#include "connectors/debug/bench.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include "codecs/processors/processor.hpp"
#include "connectors/common/config_reader.hpp"
#include "connectors/debug/latency_histogram.hpp"
#include "connectors/file/xz_decoder.hpp"

namespace temblor::connectors {

namespace {

using clock = std::chrono::steady_clock;

struct bench_config {
  std::string path;
  uint64_t interval_ns = 0;
  uint64_t chunk_size = 0;
  uint64_t iters = 1;
  bool base64 = false;
  bool is_transactional = false;
  bool structured = false;
  uint64_t stop_after_secs = 0;
  uint64_t significant_figures = 2;
  uint64_t warmup_secs = 0;

  bool parse(const value& config, std::string& err) {
    // Tremor's docs call the file `source`, its code `path`: accept both.
    if (!common::read_optional_string(config, "source", path, err) ||
        !common::read_optional_string(config, "path", path, err))
      return false;
    if (path.empty()) {
      err = "missing required key `path`";
      return false;
    }
    return common::read_optional_uint(config, "interval", UINT64_MAX, interval_ns, err) &&
           common::read_optional_uint(config, "chunk_size", 1 << 30, chunk_size, err) &&
           common::read_optional_uint(config, "iters", UINT64_MAX, iters, err) &&
           common::read_optional_bool(config, "base64", base64, err) &&
           common::read_optional_bool(config, "is_transactional", is_transactional, err) &&
           common::read_optional_bool(config, "structured", structured, err) &&
           common::read_optional_uint(config, "stop_after_secs", UINT64_MAX, stop_after_secs, err) &&
           common::read_optional_uint(config, "significant_figures", 5, significant_figures, err) &&
           common::read_optional_uint(config, "warmup_secs", UINT64_MAX, warmup_secs, err);
  }
};

class bench_connector final : public connector {
public:
  bench_connector(bench_config cfg, std::vector<std::string> chunks,
                  std::shared_ptr<connector_context> ctx)
    : cfg_(std::move(cfg)), chunks_(std::move(chunks)), ctx_(std::move(ctx)),
      histogram_(static_cast<unsigned>(cfg_.significant_figures)) {}

  ~bench_connector() override { report(); }

  connector_ports ports() const override { return duplex_ports(); }
  bool transactional() const override { return cfg_.is_transactional; }

  void connect() override {
    started_ = clock::now();
    ctx_->connected();
  }

  bool pull() override {
    if (chunks_.empty() || finished_)
      return false;
    for (int i = 0; i < 256; ++i) {
      if (time_is_up() || iteration_ >= cfg_.iters) {
        finish();
        return false;
      }
      ctx_->receive_bytes(0, chunks_[next_], value{});
      if (++next_ == chunks_.size()) {
        next_ = 0;
        ++iteration_;
      }
      if (cfg_.interval_ns > 0) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(cfg_.interval_ns));
        return true;
      }
    }
    return true;
  }

  sink_outcome write(std::string_view, const event& ev, serializer& ser) override {
    auto now = clock::now();
    if (first_event_ == clock::time_point{})
      first_event_ = now;
    frames_.clear();
    std::string err;
    if (!ser.serialize(0, ev.payload, ev.ingest_ns, frames_, err))
      return sink_outcome::failed;
    if (now - first_event_ >= std::chrono::seconds(cfg_.warmup_secs)) {
      for (const auto& f : frames_)
        bytes_ += f.size();
      ++events_;
      uint64_t now_wall = temblor::now_ns();
      histogram_.record(now_wall > ev.ingest_ns ? now_wall - ev.ingest_ns : 0);
      last_event_ = now;
      if (measure_start_ == clock::time_point{})
        measure_start_ = now;
    }
    return sink_outcome::done;
  }

private:
  bool time_is_up() const {
    return cfg_.stop_after_secs > 0 &&
           clock::now() - started_ >= std::chrono::seconds(cfg_.stop_after_secs);
  }

  void finish() {
    finished_ = true;
    ctx_->stream_finished(0);
    ctx_->source_finished();
    // Everything replayed: drain, so every event reaches the sink, then stop.
    ctx_->request_shutdown(0, true);
  }

  void report() {
    if (reported_ || events_ == 0)
      return;
    reported_ = true;
    double secs = std::chrono::duration<double>(last_event_ - measure_start_).count();
    if (secs <= 0)
      secs = 1e-9;
    std::string out = histogram_.render("us", 1000.0);
    char line[160];
    std::snprintf(line, sizeof line, "\n\nThroughput   (data): %.1f MB/s\nThroughput (events): %.1fk events/s\n",
                  static_cast<double>(bytes_) / secs / 1e6, static_cast<double>(events_) / secs / 1e3);
    out += line;
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  }

  bench_config cfg_;
  std::vector<std::string> chunks_;
  std::shared_ptr<connector_context> ctx_;
  size_t next_ = 0;
  uint64_t iteration_ = 0;
  bool finished_ = false;
  clock::time_point started_;

  latency_histogram histogram_;
  std::vector<std::string> frames_;
  uint64_t events_ = 0;
  uint64_t bytes_ = 0;
  clock::time_point first_event_;
  clock::time_point measure_start_;
  clock::time_point last_event_;
  bool reported_ = false;
};

// Splits the file into the chunks the source replays: lines, or fixed-size
// chunks when `chunk_size` is set; base64 lines are decoded up front.
bool load_chunks(const bench_config& cfg, std::vector<std::string>& chunks, std::string& err) {
  std::string data;
  if (!read_whole_file(cfg.path, data, err))
    return false;
  if (cfg.chunk_size > 0) {
    for (size_t i = 0; i < data.size(); i += cfg.chunk_size)
      chunks.push_back(data.substr(i, cfg.chunk_size));
    return true;
  }
  std::unique_ptr<codecs::preprocessor> decode64;
  if (cfg.base64) {
    const auto* d = codecs::builtin_preprocessors().find("base64");
    if (!d || !(decode64 = d->make(value{}, err)))
      return false;
  }
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == std::string::npos)
      end = data.size();
    std::string line = data.substr(start, end - start);
    start = end + 1;
    if (line.empty())
      continue;
    if (decode64) {
      std::vector<std::string> decoded;
      uint64_t ingest = 0;
      if (!decode64->process(ingest, line, decoded, err))
        return false;
      for (auto& d : decoded)
        chunks.push_back(std::move(d));
    } else {
      chunks.push_back(std::move(line));
    }
  }
  return true;
}

std::unique_ptr<connector> make_bench(const connector_args& args, std::string& err) {
  bench_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  std::vector<std::string> chunks;
  if (!load_chunks(cfg, chunks, err))
    return nullptr;
  return std::make_unique<bench_connector>(std::move(cfg), std::move(chunks), args.context);
}

} // namespace

const connector_descriptor& bench_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "bench";
    d.summary = "replays a file's lines at full speed and prints throughput and a latency histogram";
    d.codec = codec_requirement::optional_json;
    d.config = {
      optional_key("path", value_types::string, {}, "The file to replay (`.xz` is decompressed); required unless `source` is given."),
      optional_key("source", value_types::string, {}, "Another name for `path` (Tremor's docs)."),
      optional_key("interval", value_types::unsigned_int, {}, "Nanoseconds to wait between two events; none by default."),
      optional_key("chunk_size", value_types::unsigned_int, {}, "Replay fixed-size chunks of this many bytes instead of lines."),
      optional_key("iters", value_types::unsigned_int, 1, "How many times to replay the file."),
      optional_key("base64", value_types::boolean, false, "Decode each line from base64 first."),
      optional_key("is_transactional", value_types::boolean, false, "Emit transactional events (acked or failed by the sinks)."),
      optional_key("structured", value_types::boolean, false, "Accepted for Tremor compatibility."),
      optional_key("stop_after_secs", value_types::unsigned_int, {}, "Stop replaying after this many seconds; never by default."),
      optional_key("significant_figures", value_types::unsigned_int, 2, "Precision of the latency histogram (at most 5)."),
      optional_key("warmup_secs", value_types::unsigned_int, {}, "Seconds of events left out of the figures."),
    };
    d.make = &make_bench;
    d.debug_only = true;
    d.blocking = true;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
