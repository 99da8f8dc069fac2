#pragma once

// Streaming xz decompression (liblzma) for `.xz` files: the file source and
// the bench connector read compressed data transparently, as Tremor does.

#include <string>
#include <string_view>

namespace temblor::connectors {

class xz_decoder {
public:
  xz_decoder();
  ~xz_decoder();
  xz_decoder(const xz_decoder&) = delete;
  xz_decoder& operator=(const xz_decoder&) = delete;

  /// Appends the decompressed bytes of `compressed` to `out`; false with `err`
  /// on corrupt input.
  bool feed(std::string_view compressed, std::string& out, std::string& err);

private:
  struct state;
  state* state_;
};

/// Reads a whole file, decompressing it when the path ends in `.xz`.
bool read_whole_file(const std::string& path, std::string& out, std::string& err);

/// Returns whether `path` names an xz-compressed file by its suffix.
bool is_xz_path(const std::string& path);

} // namespace temblor::connectors
