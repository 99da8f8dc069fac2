#include "connectors/file/xz_decoder.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <lzma.h>

namespace temblor::connectors {

struct xz_decoder::state {
  lzma_stream stream = LZMA_STREAM_INIT;
  bool ok = false;
};

xz_decoder::xz_decoder() : state_(new state) {
  state_->ok = lzma_stream_decoder(&state_->stream, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
}

xz_decoder::~xz_decoder() {
  lzma_end(&state_->stream);
  delete state_;
}

bool xz_decoder::feed(std::string_view compressed, std::string& out, std::string& err) {
  if (!state_->ok) {
    err = "cannot initialise the xz decoder";
    return false;
  }
  auto& s = state_->stream;
  s.next_in = reinterpret_cast<const uint8_t*>(compressed.data());
  s.avail_in = compressed.size();
  char buffer[64 * 1024];
  // LZMA_FINISH on empty input lets the decoder validate the stream's end.
  lzma_action action = compressed.empty() ? LZMA_FINISH : LZMA_RUN;
  for (;;) {
    s.next_out = reinterpret_cast<uint8_t*>(buffer);
    s.avail_out = sizeof buffer;
    lzma_ret ret = lzma_code(&s, action);
    out.append(buffer, sizeof buffer - s.avail_out);
    if (ret == LZMA_STREAM_END)
      return true;
    if (ret != LZMA_OK) {
      err = "corrupt xz data (lzma error " + std::to_string(static_cast<int>(ret)) + ")";
      return false;
    }
    if (s.avail_in == 0 && s.avail_out != 0)
      return true;
  }
}

bool is_xz_path(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".xz") == 0;
}

bool read_whole_file(const std::string& path, std::string& out, std::string& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream raw;
  raw << in.rdbuf();
  if (!is_xz_path(path)) {
    out = raw.str();
    return true;
  }
  xz_decoder decoder;
  std::string data = raw.str();
  if (!decoder.feed(data, out, err) || !decoder.feed({}, out, err)) {
    err = path + ": " + err;
    return false;
  }
  return true;
}

} // namespace temblor::connectors
