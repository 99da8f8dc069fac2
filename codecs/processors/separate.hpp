#pragma once

// `separate` (and its pre-0.12 name `lines`): splits a byte stream into
// events at a one-byte separator, and joins events back with it.

#include <cstdint>
#include <memory>
#include <string>

#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

struct separate_config {
  char separator = '\n';
  /// Longest event in bytes, separator excluded; 0 means unlimited.
  uint64_t max_length = 0;
  /// Keep a trailing fragment until more data or the stream ends (true), or
  /// let every chunk end an event (false: datagrams, ws frames).
  bool buffered = true;

  /// Parses a config record. `null` (processor named bare) means Tremor's
  /// defaults with max_length 8192; a record that omits max_length means
  /// unlimited.
  static bool parse(const value& config, std::string_view owner, separate_config& out,
                    std::string& err);
};

/// Splits chunks at the separator. Empty lines come out as empty chunks (so
/// a json codec reports them on `err`, as Tremor does). A line longer than
/// max_length is discarded whole and reported once.
class separate_preprocessor final : public preprocessor {
public:
  explicit separate_preprocessor(separate_config cfg) : cfg_(cfg) {}

  bool process(uint64_t& ingest_ns, std::string_view data, std::vector<std::string>& out,
               std::string& err) override;
  bool has_views() const override { return true; }
  bool process_views(uint64_t& ingest_ns, std::string_view data, chunk_sink& out,
                     std::string& err) override;
  bool finish(std::vector<std::string>& out, std::string& err) override;

private:
  void emit(std::string_view line, chunk_sink& out);
  void too_long(uint64_t length);

  separate_config cfg_;
  std::string buffer_;      // the unfinished line (buffered mode)
  bool discarding_ = false; // inside an over-long line: drop until the next separator
  size_t errors_ = 0;       // errors seen in the current call
  std::string first_error_;
};

/// Appends the separator to every event.
class separate_postprocessor final : public postprocessor {
public:
  explicit separate_postprocessor(char separator) : separator_(separator) {}

  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;

private:
  char separator_;
};

std::unique_ptr<preprocessor> make_separate_preprocessor(const value& config, std::string& err);
std::unique_ptr<postprocessor> make_separate_postprocessor(const value& config, std::string& err);

} // namespace temblor::codecs
