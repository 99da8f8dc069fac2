#include "codecs/processors/chunk.hpp"

#include "codecs/config.hpp"

namespace temblor::codecs {

bool chunk_postprocessor::process(uint64_t, uint64_t, std::string data,
                                  std::vector<std::string>& out, std::string&) {
  if (!buffer_.empty() && buffer_.size() + data.size() > max_bytes_) {
    out.push_back(std::move(buffer_));
    buffer_.clear();
  }
  if (data.size() >= max_bytes_) {
    out.push_back(std::move(data));
    return true;
  }
  buffer_ += data;
  return true;
}

bool chunk_postprocessor::finish(std::vector<std::string>& out, std::string&) {
  if (!buffer_.empty())
    out.push_back(std::move(buffer_));
  buffer_.clear();
  return true;
}

bool collect_postprocessor::process(uint64_t, uint64_t, std::string data,
                                    std::vector<std::string>& out, std::string&) {
  buffer_ += data;
  if (max_bytes_ != 0 && buffer_.size() >= max_bytes_) {
    out.push_back(std::move(buffer_));
    buffer_.clear();
  }
  return true;
}

bool collect_postprocessor::finish(std::vector<std::string>& out, std::string&) {
  if (!buffer_.empty())
    out.push_back(std::move(buffer_));
  buffer_.clear();
  return true;
}

std::unique_ptr<postprocessor> make_chunk_postprocessor(const value& config, std::string& err) {
  constexpr std::string_view owner = "chunk postprocessor";
  if (!check_config_keys(config, owner, {"max_bytes"}, err))
    return nullptr;
  uint64_t max_bytes = 0;
  if (!read_u64(config, "max_bytes", owner, max_bytes, err))
    return nullptr;
  if (max_bytes == 0) {
    err = "the chunk postprocessor needs a config with `max_bytes` greater than 0";
    return nullptr;
  }
  return std::make_unique<chunk_postprocessor>(max_bytes);
}

std::unique_ptr<postprocessor> make_collect_postprocessor(const value& config, std::string& err) {
  constexpr std::string_view owner = "collect postprocessor";
  if (!check_config_keys(config, owner, {"max_bytes"}, err))
    return nullptr;
  uint64_t max_bytes = 0;
  if (!read_u64(config, "max_bytes", owner, max_bytes, err))
    return nullptr;
  return std::make_unique<collect_postprocessor>(max_bytes);
}

} // namespace temblor::codecs
