#include "codecs/processors/textual_length_prefixed.hpp"

#include "codecs/config.hpp"

namespace temblor::codecs {

namespace {

// 20 digits hold any u64; a longer prefix is garbage, not a slow sender.
constexpr size_t max_prefix_digits = 20;

} // namespace

bool textual_length_prefixed_preprocessor::process(uint64_t&, std::string_view data,
                                                   std::vector<std::string>& out,
                                                   std::string& err) {
  buffer_.append(data);
  size_t pos = 0;
  while (pos < buffer_.size()) {
    size_t space = buffer_.find(' ', pos);
    size_t digits_end = space == std::string::npos ? buffer_.size() : space;
    size_t ndigits = digits_end - pos;
    bool digits_ok = ndigits <= max_prefix_digits;
    for (size_t i = pos; i < digits_end && digits_ok; ++i)
      digits_ok = buffer_[i] >= '0' && buffer_[i] <= '9';
    if (!digits_ok || (space != std::string::npos && ndigits == 0)) {
      err = "textual-length-prefixed: malformed length prefix; dropped "
            + std::to_string(buffer_.size() - pos) + " bytes";
      buffer_.clear();
      return false;
    }
    if (space == std::string::npos)
      break; // the prefix is still arriving
    uint64_t len = 0;
    for (size_t i = pos; i < space; ++i)
      len = len * 10 + static_cast<uint64_t>(buffer_[i] - '0');
    if (buffer_.size() - space - 1 < len)
      break;
    out.emplace_back(buffer_.data() + space + 1, static_cast<size_t>(len));
    pos = space + 1 + static_cast<size_t>(len);
  }
  buffer_.erase(0, pos);
  return true;
}

bool textual_length_prefixed_preprocessor::finish(std::vector<std::string>&, std::string& err) {
  if (buffer_.empty())
    return true;
  err = "textual-length-prefixed: stream ended inside a frame; dropped "
        + std::to_string(buffer_.size()) + " bytes";
  buffer_.clear();
  return false;
}

bool textual_length_prefixed_postprocessor::process(uint64_t, uint64_t, std::string data,
                                                    std::vector<std::string>& out, std::string&) {
  std::string framed = std::to_string(data.size());
  framed.push_back(' ');
  framed += data;
  out.push_back(std::move(framed));
  return true;
}

std::unique_ptr<preprocessor> make_textual_length_prefixed_preprocessor(const value& config,
                                                                        std::string& err) {
  if (!check_config_keys(config, "textual-length-prefixed preprocessor", {}, err))
    return nullptr;
  return std::make_unique<textual_length_prefixed_preprocessor>();
}

std::unique_ptr<postprocessor> make_textual_length_prefixed_postprocessor(const value& config,
                                                                          std::string& err) {
  if (!check_config_keys(config, "textual-length-prefixed postprocessor", {}, err))
    return nullptr;
  return std::make_unique<textual_length_prefixed_postprocessor>();
}

} // namespace temblor::codecs
