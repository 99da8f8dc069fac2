#pragma once

// Pre- and postprocessors: byte-level framing around codecs.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/registry.hpp"
#include "runtime/core/value.hpp"

namespace temblor::codecs {

/// Takes the chunks a preprocessor finds, one call each, as views that are
/// valid only during the call.
class chunk_sink {
public:
  virtual void chunk(std::string_view data) = 0;

protected:
  ~chunk_sink() = default;
};

/// Runs on the source side, before the codec: splits or transforms raw
/// chunks. One instance per stream.
class preprocessor {
public:
  virtual ~preprocessor() = default;
  /// Appends zero or more output chunks for `data` to `out`. `ingest_ns` may
  /// be rewritten (ingest-ns). Returns false with `err` on bad input; chunks
  /// already appended are still delivered.
  virtual bool process(uint64_t& ingest_ns, std::string_view data,
                       std::vector<std::string>& out, std::string& err) = 0;

  /// Whether process_views() is implemented. Splitters whose chunks are
  /// mostly slices of the input implement it, so a line costs no copy and no
  /// allocation of its own on its way to the codec.
  virtual bool has_views() const { return false; }
  /// Like process(), but hands each chunk to `out` as soon as it is found
  /// (`ingest_ns` is not rewritten). Only called when has_views().
  virtual bool process_views(uint64_t& ingest_ns, std::string_view data, chunk_sink& out,
                             std::string& err) {
    (void)ingest_ns;
    (void)data;
    (void)out;
    err = "this preprocessor has no view-based path";
    return false;
  }
  /// Flushes buffered state when the stream ends.
  virtual bool finish(std::vector<std::string>& out, std::string& err) {
    (void)out;
    (void)err;
    return true;
  }
};

/// Runs on the sink side, after the codec. One instance per stream.
class postprocessor {
public:
  virtual ~postprocessor() = default;
  virtual bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
                       std::vector<std::string>& out, std::string& err) = 0;
  /// Flushes buffered state when the stream ends (collect, streaming-compress).
  virtual bool finish(std::vector<std::string>& out, std::string& err) {
    (void)out;
    (void)err;
    return true;
  }
};

/// `config` is null when the processor was named without a config record
/// (some defaults differ then: `separate`'s max_length is 8192 by name only).
using preprocessor_factory = std::unique_ptr<preprocessor> (*)(const value& config, std::string& err);
using postprocessor_factory = std::unique_ptr<postprocessor> (*)(const value& config, std::string& err);

struct preprocessor_descriptor {
  std::string_view name;
  std::string_view summary;
  preprocessor_factory make;
};

struct postprocessor_descriptor {
  std::string_view name;
  std::string_view summary;
  postprocessor_factory make;
};

const registry<preprocessor_descriptor>& builtin_preprocessors();
const registry<postprocessor_descriptor>& builtin_postprocessors();

/// Builds a chain from a connector's `preprocessors` list (names or
/// `{"name", "config"}` records). Returns false with `err` naming the bad entry.
bool make_preprocessors(const value& list, std::vector<std::unique_ptr<preprocessor>>& out,
                        std::string& err);
bool make_postprocessors(const value& list, std::vector<std::unique_ptr<postprocessor>>& out,
                         std::string& err);

} // namespace temblor::codecs
