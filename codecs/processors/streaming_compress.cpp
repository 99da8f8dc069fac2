#include "codecs/processors/streaming_compress.hpp"

#include "codecs/config.hpp"
#include "codecs/processors/compression.hpp"

#if TEMBLOR_HAVE_LZMA
#include <lzma.h>
#endif
#if TEMBLOR_HAVE_ZSTD
#include <zstd.h>
#endif

namespace temblor::codecs {

class streaming_compress_postprocessor::engine {
public:
  virtual ~engine() = default;
  /// Appends compressed output for `in` (`last`: finish the stream).
  virtual bool run(std::string_view in, bool last, std::string& out, std::string& err) = 0;
};

namespace {

constexpr size_t step = 64 * 1024;

#if TEMBLOR_HAVE_LZMA
class xz_engine final : public streaming_compress_postprocessor::engine {
public:
  bool init(uint32_t level, std::string& err) {
    if (lzma_easy_encoder(&s_, level, LZMA_CHECK_CRC64) != LZMA_OK) {
      err = "xz2: cannot initialise (bad level?)";
      return false;
    }
    return true;
  }
  ~xz_engine() override { lzma_end(&s_); }

  bool run(std::string_view in, bool last, std::string& out, std::string& err) override {
    s_.next_in = reinterpret_cast<const uint8_t*>(in.data());
    s_.avail_in = in.size();
    for (;;) {
      size_t used = out.size();
      out.resize(used + step);
      s_.next_out = reinterpret_cast<uint8_t*>(&out[used]);
      s_.avail_out = step;
      lzma_ret rc = lzma_code(&s_, last ? LZMA_FINISH : LZMA_RUN);
      out.resize(used + step - s_.avail_out);
      if (rc == LZMA_STREAM_END)
        return true;
      if (rc != LZMA_OK) {
        err = "xz2: compression failed";
        return false;
      }
      if (!last && s_.avail_in == 0 && s_.avail_out != 0)
        return true;
    }
  }

private:
  lzma_stream s_ = LZMA_STREAM_INIT;
};
#endif

#if TEMBLOR_HAVE_ZSTD
class zstd_engine final : public streaming_compress_postprocessor::engine {
public:
  bool init(int level, std::string& err) {
    if (ctx_ == nullptr
        || ZSTD_isError(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level))) {
      err = "zstd: cannot initialise (bad level?)";
      return false;
    }
    return true;
  }
  ~zstd_engine() override { ZSTD_freeCCtx(ctx_); }

  bool run(std::string_view in, bool last, std::string& out, std::string& err) override {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    for (;;) {
      size_t used = out.size();
      out.resize(used + step);
      ZSTD_outBuffer ob{&out[used], step, 0};
      size_t rc = ZSTD_compressStream2(ctx_, &ob, &ib, last ? ZSTD_e_end : ZSTD_e_continue);
      out.resize(used + ob.pos);
      if (ZSTD_isError(rc)) {
        err = std::string("zstd: ") + ZSTD_getErrorName(rc);
        return false;
      }
      if (last ? rc == 0 : ib.pos == ib.size)
        return true;
    }
  }

private:
  ZSTD_CCtx* ctx_ = ZSTD_createCCtx();
};
#endif

} // namespace

streaming_compress_postprocessor::streaming_compress_postprocessor(std::unique_ptr<engine> e)
  : engine_(std::move(e)) {}
streaming_compress_postprocessor::~streaming_compress_postprocessor() = default;

bool streaming_compress_postprocessor::process(uint64_t, uint64_t, std::string data,
                                               std::vector<std::string>& out, std::string& err) {
  std::string packed;
  if (!engine_->run(data, false, packed, err))
    return false;
  if (!packed.empty())
    out.push_back(std::move(packed));
  return true;
}

bool streaming_compress_postprocessor::finish(std::vector<std::string>& out, std::string& err) {
  std::string packed;
  if (!engine_->run({}, true, packed, err))
    return false;
  if (!packed.empty())
    out.push_back(std::move(packed));
  return true;
}

std::unique_ptr<postprocessor> make_streaming_compress_postprocessor(const value& config,
                                                                     std::string& err) {
  constexpr std::string_view owner = "streaming-compress postprocessor";
  if (!check_config_keys(config, owner, {"algorithm", "level"}, err))
    return nullptr;
  std::string name;
  if (!read_string(config, "algorithm", owner, name, err))
    return nullptr;
  std::optional<int> level;
  if (const value* l = config.get("level")) {
    int64_t n = 0;
    if (!l->get_i64(n) || n < -131072 || n > 22) {
      err = "`level` in the " + std::string(owner) + " config must be an integer level";
      return nullptr;
    }
    level = static_cast<int>(n);
  }
#if TEMBLOR_HAVE_LZMA
  if (name == "xz2") {
    int xz_level = level.value_or(6);
    if (xz_level < 0 || xz_level > 9) {
      err = "`level` in the " + std::string(owner) + " config must be 0..9 for xz2";
      return nullptr;
    }
    auto e = std::make_unique<xz_engine>();
    if (!e->init(static_cast<uint32_t>(xz_level), err))
      return nullptr;
    return std::make_unique<streaming_compress_postprocessor>(std::move(e));
  }
#endif
#if TEMBLOR_HAVE_ZSTD
  if (name == "zstd") {
    auto e = std::make_unique<zstd_engine>();
    if (!e->init(level.value_or(3), err))
      return nullptr;
    return std::make_unique<streaming_compress_postprocessor>(std::move(e));
  }
#endif
  err = "the " + std::string(owner) + " needs `algorithm` xz2 or zstd"
        + (name.empty() ? std::string{} : ", not `" + name + "`");
  return nullptr;
}

} // namespace temblor::codecs
