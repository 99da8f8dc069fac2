#include "codecs/processors/length_prefixed.hpp"

#include <cstdint>

#include "codecs/config.hpp"

namespace temblor::codecs {

namespace {

constexpr size_t prefix_size = 8;

uint64_t read_be64(const char* p) {
  uint64_t n = 0;
  for (size_t i = 0; i < prefix_size; ++i)
    n = n << 8 | static_cast<unsigned char>(p[i]);
  return n;
}

} // namespace

bool length_prefixed_preprocessor::process(uint64_t&, std::string_view data,
                                           std::vector<std::string>& out, std::string&) {
  buffer_.append(data);
  size_t pos = 0;
  while (buffer_.size() - pos >= prefix_size) {
    uint64_t len = read_be64(buffer_.data() + pos);
    if (buffer_.size() - pos - prefix_size < len)
      break;
    out.emplace_back(buffer_.data() + pos + prefix_size, static_cast<size_t>(len));
    pos += prefix_size + static_cast<size_t>(len);
  }
  buffer_.erase(0, pos);
  return true;
}

bool length_prefixed_preprocessor::finish(std::vector<std::string>&, std::string& err) {
  if (buffer_.empty())
    return true;
  err = "length-prefixed: stream ended inside a frame; dropped " + std::to_string(buffer_.size())
        + " bytes";
  buffer_.clear();
  return false;
}

bool length_prefixed_postprocessor::process(uint64_t, uint64_t, std::string data,
                                            std::vector<std::string>& out, std::string&) {
  std::string framed;
  framed.reserve(prefix_size + data.size());
  auto len = static_cast<uint64_t>(data.size());
  for (size_t i = prefix_size; i-- > 0;)
    framed.push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
  framed += data;
  out.push_back(std::move(framed));
  return true;
}

std::unique_ptr<preprocessor> make_length_prefixed_preprocessor(const value& config,
                                                                std::string& err) {
  if (!check_config_keys(config, "length-prefixed preprocessor", {}, err))
    return nullptr;
  return std::make_unique<length_prefixed_preprocessor>();
}

std::unique_ptr<postprocessor> make_length_prefixed_postprocessor(const value& config,
                                                                  std::string& err) {
  if (!check_config_keys(config, "length-prefixed postprocessor", {}, err))
    return nullptr;
  return std::make_unique<length_prefixed_postprocessor>();
}

} // namespace temblor::codecs
