#pragma once

// Per-stream codec chains for the connector runtime: bytes -> preprocessors
// -> codec -> values on the source side, values -> codec -> postprocessors
// -> frames on the sink side. Plain classes, no CAF: a connector keeps one
// decoder_chain per incoming stream and one encoder_chain per outgoing one.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/codec.hpp"
#include "codecs/processors/processor.hpp"
#include "runtime/core/value.hpp"

namespace temblor::codecs {

/// One result of decoding: a value, or an error the runtime routes to the
/// connector's `err` port (Tremor's `{"error": msg, …}` event).
struct decoded {
  bool ok = true;
  value data;             ///< the event payload when ok
  uint64_t ingest_ns = 0; ///< possibly rewritten by a preprocessor (ingest-ns)
  std::string error;      ///< the message when !ok
};

class decoder_chain {
public:
  decoder_chain(std::unique_ptr<codec> c, std::vector<std::unique_ptr<preprocessor>> pre);

  /// Runs one chunk read from the stream through the preprocessors and the
  /// codec, appending one entry per event or error to `out`. Never throws.
  void decode(uint64_t ingest_ns, std::string_view data, std::vector<decoded>& out);

  /// Flushes buffered preprocessor state at stream end (a last line without
  /// a separator). Call once; the chain can then be dropped.
  void finish(std::vector<decoded>& out);

private:
  void feed(size_t stage, uint64_t ingest_ns, std::string_view data, std::vector<decoded>& out);
  void run_codec(uint64_t ingest_ns, std::string_view data, std::vector<decoded>& out);
  void push_error(uint64_t ingest_ns, std::string msg, std::vector<decoded>& out);

  std::unique_ptr<codec> codec_;
  std::vector<std::unique_ptr<preprocessor>> pre_;
  std::vector<std::vector<std::string>> scratch_; // one reusable output list per stage
  uint64_t last_ingest_ns_ = 0;
  bool drops_ = false; // the null codec: chunks produce no events
};

class encoder_chain {
public:
  encoder_chain(std::unique_ptr<codec> c, std::vector<std::unique_ptr<postprocessor>> post);

  /// Encodes `v` and runs it through the postprocessors, appending the
  /// frames to write to `frames` (possibly none: collecting processors).
  /// Returns false with `err` when the value cannot be encoded or a
  /// postprocessor fails; the sink then fails the event, and `frames` is
  /// left as it was.
  bool encode(const value& v, uint64_t ingest_ns, std::vector<std::string>& frames,
              std::string& err);

  /// Flushes postprocessor state at stream end; frames may still be appended
  /// when it fails.
  bool finish(std::vector<std::string>& frames, std::string& err);
  void finish(std::vector<std::string>& frames);

private:
  bool feed(size_t stage, uint64_t ingest_ns, uint64_t egress_ns, std::string data,
            std::vector<std::string>& frames, std::string& err);

  std::unique_ptr<codec> codec_;
  std::vector<std::unique_ptr<postprocessor>> post_;
  std::vector<std::vector<std::string>> scratch_;
  size_t last_size_ = 64; // size hint for the next encoding buffer
};

/// The codec settings of a connector's `with` block, kept as data; a
/// connector validates it once at build time and then makes chains per
/// stream.
struct chain_spec {
  value codec;          ///< `"name"` or `{"name", "config"}`; null = none given
  value preprocessors;  ///< list or null
  value postprocessors; ///< list or null

  /// Checks that every part builds. Called at deploy time so bad names and
  /// configs fail the load with a did-you-mean, not the first event.
  bool validate(std::string& err) const;

  /// Builds a fresh chain; nullptr with `err` when the spec is invalid.
  std::unique_ptr<decoder_chain> make_decoder(std::string& err) const;
  std::unique_ptr<encoder_chain> make_encoder(std::string& err) const;
  /// As above, for specs already validated.
  std::unique_ptr<decoder_chain> make_decoder() const;
  std::unique_ptr<encoder_chain> make_encoder() const;
};

} // namespace temblor::codecs
