#pragma once

// Whole-buffer compression for the `compress` postprocessor and the
// `decompress` preprocessor. Each chunk is one complete compressed object,
// as in Tremor. Algorithms whose library was not found at configure time
// report an error when configured.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace temblor::codecs {

enum class compression { gzip, zlib, xz2, zstd, lz4, br, snappy };

/// Parses Tremor's algorithm name; nullopt for unknown names.
std::optional<compression> compression_from_name(std::string_view name);
std::string_view compression_name(compression c);
/// Returns whether this build can use `c` (its library was found).
bool compression_available(compression c);
/// Lists the algorithm names this build supports, for error hints.
std::string available_compressions();

/// Guesses the algorithm from the magic bytes at the start of `data`
/// (brotli has none, so it is never detected).
std::optional<compression> detect_compression(std::string_view data);

/// Decompressed output is capped so a small hostile chunk cannot expand
/// without bound (a "zip bomb"); larger results are errors. The `decompress`
/// preprocessor's `max_output_bytes` overrides this default.
inline constexpr size_t default_max_decompressed_size = size_t{512} << 20;

/// Memory the xz2 decoder may use (its dictionary, which the stream header
/// names: up to 1.5 GiB). `xz -9` needs 65 MiB; a larger claim is an error.
inline constexpr uint64_t xz_decoder_memory_limit = uint64_t{256} << 20;

/// Appends the decompression of `in` to `out`; false with `err` on corrupt
/// or truncated input, or when it would append more than `max_output` bytes
/// (`out` is then left as it was).
bool decompress(compression c, std::string_view in, std::string& out, std::string& err,
                size_t max_output = default_max_decompressed_size);

/// Appends the compression of `in` to `out`. `level` is the library's level
/// (nullopt = its default).
bool compress(compression c, std::optional<int> level, std::string_view in, std::string& out,
              std::string& err);

} // namespace temblor::codecs
