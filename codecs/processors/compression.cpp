#include "codecs/processors/compression.hpp"

#include <limits>
#include <memory>

#if TEMBLOR_HAVE_ZLIB
#include <zlib.h>
#endif
#if TEMBLOR_HAVE_LZMA
#include <lzma.h>
#endif
#if TEMBLOR_HAVE_ZSTD
#include <zstd.h>
#endif
#if TEMBLOR_HAVE_LZ4
#include <lz4frame.h>
#endif
#if TEMBLOR_HAVE_BROTLI
#include <brotli/decode.h>
#include <brotli/encode.h>
#endif

namespace temblor::codecs {

namespace {

struct algorithm_name {
  compression c;
  std::string_view name;
};

constexpr algorithm_name names[] = {
    {compression::gzip, "gzip"}, {compression::zlib, "zlib"}, {compression::xz2, "xz2"},
    {compression::zstd, "zstd"}, {compression::lz4, "lz4"},   {compression::br, "br"},
    {compression::snappy, "snappy"}};

constexpr size_t step = 64 * 1024;

// The output of one decompression, grown a step at a time for the decoder to
// fill. Each step is cut to one byte past the limit, so a decoder that has
// more to give shows it and the output never exceeds the limit by more than
// that byte.
class output_window {
public:
  output_window(std::string& out, size_t limit) : out_(out), start_(out.size()), limit_(limit) {}

  /// Makes room for the next decoder call; returns its size.
  size_t grow() {
    used_ = out_.size();
    size_t left = limit_ - (used_ - start_);
    size_t room = left < step ? left + 1 : step;
    out_.resize(used_ + room);
    return room;
  }
  char* room() { return &out_[used_]; }
  /// Keeps the first `written` bytes of the room; false once the output is
  /// over the limit.
  bool keep(size_t written) {
    out_.resize(used_ + written);
    return out_.size() - start_ <= limit_;
  }
  /// Leaves `out` as it was before the decompression.
  void discard() { out_.resize(start_); }

  /// Sets `err` to the over-the-limit message and discards the output.
  bool too_big(std::string& err) {
    discard();
    err = "decompressed data exceeds " + std::to_string(limit_) + " bytes";
    return false;
  }

private:
  std::string& out_;
  size_t start_;
  size_t limit_;
  size_t used_ = 0;
};

#if TEMBLOR_HAVE_ZLIB
// windowBits: 15 = zlib container, 15 + 16 = gzip container.
bool zlib_inflate(int window_bits, std::string_view in, std::string& out, std::string& err,
                  size_t limit) {
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) {
    err = "zlib: cannot initialise";
    return false;
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  output_window w(out, limit);
  for (;;) {
    size_t room = w.grow();
    z.next_out = reinterpret_cast<Bytef*>(w.room());
    z.avail_out = static_cast<uInt>(room);
    int rc = inflate(&z, Z_NO_FLUSH);
    if (!w.keep(room - z.avail_out))
      return w.too_big(err);
    if (rc == Z_STREAM_END)
      return true;
    if (rc != Z_OK || (z.avail_in == 0 && z.avail_out != 0)) {
      err = std::string("zlib: ") + (z.msg ? z.msg : "truncated or corrupt data");
      w.discard();
      return false;
    }
  }
}

bool zlib_deflate(int window_bits, std::optional<int> level, std::string_view in,
                  std::string& out, std::string& err) {
  z_stream z{};
  if (deflateInit2(&z, level.value_or(Z_DEFAULT_COMPRESSION), Z_DEFLATED, window_bits, 8,
                   Z_DEFAULT_STRATEGY)
      != Z_OK) {
    err = "zlib: cannot initialise (bad level?)";
    return false;
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  size_t used = out.size();
  out.resize(used + deflateBound(&z, static_cast<uLong>(in.size())));
  z.next_out = reinterpret_cast<Bytef*>(&out[used]);
  z.avail_out = static_cast<uInt>(out.size() - used);
  int rc = deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    err = "zlib: compression failed";
    return false;
  }
  return true;
}
#endif

#if TEMBLOR_HAVE_LZMA
// Runs an xz encoder or decoder over all of `in`, appending at most `limit`
// bytes to `out`.
bool run_lzma(lzma_stream& s, std::string_view in, std::string& out, std::string& err,
              size_t limit) {
  std::unique_ptr<lzma_stream, void (*)(lzma_stream*)> guard(&s, lzma_end);
  s.next_in = reinterpret_cast<const uint8_t*>(in.data());
  s.avail_in = in.size();
  output_window w(out, limit);
  for (;;) {
    size_t room = w.grow();
    s.next_out = reinterpret_cast<uint8_t*>(w.room());
    s.avail_out = room;
    lzma_ret rc = lzma_code(&s, LZMA_FINISH);
    if (!w.keep(room - s.avail_out))
      return w.too_big(err);
    if (rc == LZMA_STREAM_END)
      return true;
    if (rc == LZMA_MEMLIMIT_ERROR) {
      err = "xz2: the stream needs more than " + std::to_string(xz_decoder_memory_limit >> 20)
            + " MiB of memory to decode";
      w.discard();
      return false;
    }
    if (rc != LZMA_OK) {
      err = "xz2: corrupt or truncated data (lzma error " + std::to_string(static_cast<int>(rc))
            + ")";
      w.discard();
      return false;
    }
  }
}
#endif

} // namespace

std::optional<compression> compression_from_name(std::string_view name) {
  for (const auto& n : names)
    if (n.name == name)
      return n.c;
  return std::nullopt;
}

std::string_view compression_name(compression c) {
  for (const auto& n : names)
    if (n.c == c)
      return n.name;
  return "unknown";
}

bool compression_available(compression c) {
  switch (c) {
    case compression::gzip:
    case compression::zlib: return TEMBLOR_HAVE_ZLIB;
    case compression::xz2: return TEMBLOR_HAVE_LZMA;
    case compression::zstd: return TEMBLOR_HAVE_ZSTD;
    case compression::lz4: return TEMBLOR_HAVE_LZ4;
    case compression::br: return TEMBLOR_HAVE_BROTLI;
    case compression::snappy: return false; // no Debian library for the framed format here
  }
  return false;
}

std::string available_compressions() {
  std::string out;
  for (const auto& n : names) {
    if (!compression_available(n.c))
      continue;
    if (!out.empty())
      out += ", ";
    out += n.name;
  }
  return out;
}

std::optional<compression> detect_compression(std::string_view d) {
  auto starts = [&](std::string_view magic) { return d.substr(0, magic.size()) == magic; };
  if (starts("\x1f\x8b"))
    return compression::gzip;
  if (starts(std::string_view("\xfd" "7zXZ\x00", 6)))
    return compression::xz2;
  if (starts("\x28\xb5\x2f\xfd"))
    return compression::zstd;
  if (starts("\x04\x22\x4d\x18"))
    return compression::lz4;
  if (starts(std::string_view("\xff\x06\x00\x00sNaPpY", 10)))
    return compression::snappy;
  // zlib: CMF 0x78 and a header checksum divisible by 31.
  if (d.size() >= 2 && static_cast<unsigned char>(d[0]) == 0x78
      && ((static_cast<unsigned>(static_cast<unsigned char>(d[0])) << 8)
          | static_cast<unsigned char>(d[1]))
                 % 31
             == 0)
    return compression::zlib;
  return std::nullopt;
}

bool decompress(compression c, std::string_view in, std::string& out, std::string& err,
                size_t max_output) {
  switch (c) {
#if TEMBLOR_HAVE_ZLIB
    case compression::gzip: return zlib_inflate(15 + 16, in, out, err, max_output);
    case compression::zlib: return zlib_inflate(15, in, out, err, max_output);
#endif
#if TEMBLOR_HAVE_LZMA
    case compression::xz2: {
      lzma_stream s = LZMA_STREAM_INIT;
      if (lzma_stream_decoder(&s, xz_decoder_memory_limit, 0) != LZMA_OK) {
        err = "xz2: cannot initialise";
        return false;
      }
      return run_lzma(s, in, out, err, max_output);
    }
#endif
#if TEMBLOR_HAVE_ZSTD
    case compression::zstd: {
      std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> ds(ZSTD_createDStream(),
                                                                  ZSTD_freeDStream);
      ZSTD_inBuffer ib{in.data(), in.size(), 0};
      output_window w(out, max_output);
      size_t rc = 1;
      while (ib.pos < ib.size || rc != 0) {
        size_t room = w.grow();
        ZSTD_outBuffer ob{w.room(), room, 0};
        rc = ZSTD_decompressStream(ds.get(), &ob, &ib);
        if (!w.keep(ob.pos))
          return w.too_big(err);
        if (ZSTD_isError(rc)) {
          err = std::string("zstd: ") + ZSTD_getErrorName(rc);
          w.discard();
          return false;
        }
        if (rc != 0 && ib.pos == ib.size && ob.pos == 0) {
          err = "zstd: truncated data";
          w.discard();
          return false;
        }
      }
      return true;
    }
#endif
#if TEMBLOR_HAVE_LZ4
    case compression::lz4: {
      LZ4F_dctx* ctx = nullptr;
      if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
        err = "lz4: cannot initialise";
        return false;
      }
      std::unique_ptr<LZ4F_dctx, size_t (*)(LZ4F_dctx*)> guard(ctx, LZ4F_freeDecompressionContext);
      const char* src = in.data();
      size_t left = in.size();
      output_window w(out, max_output);
      size_t rc = 1;
      while (rc != 0) {
        size_t dst_size = w.grow();
        size_t src_size = left;
        rc = LZ4F_decompress(ctx, w.room(), &dst_size, src, &src_size, nullptr);
        if (!w.keep(dst_size))
          return w.too_big(err);
        src += src_size;
        left -= src_size;
        if (LZ4F_isError(rc)) {
          err = std::string("lz4: ") + LZ4F_getErrorName(rc);
          w.discard();
          return false;
        }
        if (rc != 0 && left == 0 && dst_size == 0) {
          err = "lz4: truncated data";
          w.discard();
          return false;
        }
      }
      return true;
    }
#endif
#if TEMBLOR_HAVE_BROTLI
    case compression::br: {
      std::unique_ptr<BrotliDecoderState, void (*)(BrotliDecoderState*)> st(
          BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
      auto next_in = reinterpret_cast<const uint8_t*>(in.data());
      size_t avail_in = in.size();
      output_window w(out, max_output);
      for (;;) {
        size_t room = w.grow();
        auto next_out = reinterpret_cast<uint8_t*>(w.room());
        size_t avail_out = room;
        auto rc = BrotliDecoderDecompressStream(st.get(), &avail_in, &next_in, &avail_out,
                                                &next_out, nullptr);
        if (!w.keep(room - avail_out))
          return w.too_big(err);
        if (rc == BROTLI_DECODER_RESULT_SUCCESS)
          return true;
        if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
          continue;
        err = rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT ? "br: truncated data"
                                                           : "br: corrupt data";
        w.discard();
        return false;
      }
    }
#endif
    default: break;
  }
  err = std::string(compression_name(c)) + " is not supported by this build; available: "
        + available_compressions();
  return false;
}

bool compress(compression c, std::optional<int> level, std::string_view in, std::string& out,
              std::string& err) {
  switch (c) {
#if TEMBLOR_HAVE_ZLIB
    case compression::gzip: return zlib_deflate(15 + 16, level, in, out, err);
    case compression::zlib: return zlib_deflate(15, level, in, out, err);
#endif
#if TEMBLOR_HAVE_LZMA
    case compression::xz2: {
      lzma_stream s = LZMA_STREAM_INIT;
      if (lzma_easy_encoder(&s, static_cast<uint32_t>(level.value_or(6)), LZMA_CHECK_CRC64)
          != LZMA_OK) {
        err = "xz2: cannot initialise (bad level?)";
        return false;
      }
      return run_lzma(s, in, out, err, std::numeric_limits<size_t>::max());
    }
#endif
#if TEMBLOR_HAVE_ZSTD
    case compression::zstd: {
      size_t used = out.size();
      out.resize(used + ZSTD_compressBound(in.size()));
      size_t rc = ZSTD_compress(&out[used], out.size() - used, in.data(), in.size(),
                                level.value_or(3));
      if (ZSTD_isError(rc)) {
        out.resize(used);
        err = std::string("zstd: ") + ZSTD_getErrorName(rc);
        return false;
      }
      out.resize(used + rc);
      return true;
    }
#endif
#if TEMBLOR_HAVE_LZ4
    case compression::lz4: {
      LZ4F_preferences_t prefs{};
      prefs.compressionLevel = level.value_or(0);
      size_t used = out.size();
      out.resize(used + LZ4F_compressFrameBound(in.size(), &prefs));
      size_t rc = LZ4F_compressFrame(&out[used], out.size() - used, in.data(), in.size(), &prefs);
      if (LZ4F_isError(rc)) {
        out.resize(used);
        err = std::string("lz4: ") + LZ4F_getErrorName(rc);
        return false;
      }
      out.resize(used + rc);
      return true;
    }
#endif
#if TEMBLOR_HAVE_BROTLI
    case compression::br: {
      size_t used = out.size();
      size_t size = BrotliEncoderMaxCompressedSize(in.size());
      out.resize(used + (size == 0 ? in.size() + 1024 : size));
      size_t written = out.size() - used;
      if (!BrotliEncoderCompress(level.value_or(BROTLI_DEFAULT_QUALITY), BROTLI_DEFAULT_WINDOW,
                                 BROTLI_MODE_GENERIC, in.size(),
                                 reinterpret_cast<const uint8_t*>(in.data()), &written,
                                 reinterpret_cast<uint8_t*>(&out[used]))) {
        out.resize(used);
        err = "br: compression failed (bad level?)";
        return false;
      }
      out.resize(used + written);
      return true;
    }
#endif
    default: break;
  }
  err = std::string(compression_name(c)) + " is not supported by this build; available: "
        + available_compressions();
  return false;
}

} // namespace temblor::codecs
