#include "codecs/processors/decompress.hpp"

#include <limits>

#include "codecs/config.hpp"

namespace temblor::codecs {

bool decompress_preprocessor::process(uint64_t&, std::string_view data,
                                      std::vector<std::string>& out, std::string& err) {
  auto algorithm = algorithm_ ? algorithm_ : detect_compression(data);
  if (!algorithm) {
    out.emplace_back(data);
    return true;
  }
  std::string plain;
  if (!decompress(*algorithm, data, plain, err, max_output_)) {
    err = "decompress: " + err;
    return false;
  }
  out.push_back(std::move(plain));
  return true;
}

std::unique_ptr<preprocessor> make_decompress_preprocessor(const value& config, std::string& err) {
  constexpr std::string_view owner = "decompress preprocessor";
  if (!check_config_keys(config, owner, {"algorithm", "max_output_bytes"}, err))
    return nullptr;
  std::string name = "autodetect";
  uint64_t max_output = default_max_decompressed_size;
  if (!read_string(config, "algorithm", owner, name, err)
      || !read_u64(config, "max_output_bytes", owner, max_output, err))
    return nullptr;
  if (max_output == 0 || max_output > std::numeric_limits<size_t>::max()) {
    err = "`max_output_bytes` in the " + std::string(owner) + " config must be at least 1";
    return nullptr;
  }
  std::optional<compression> algorithm;
  if (name != "autodetect") {
    algorithm = compression_from_name(name);
    if (!algorithm || !compression_available(*algorithm)) {
      err = "`algorithm` in the " + std::string(owner) + " config: unknown or unsupported `"
            + name + "`; available: autodetect, " + available_compressions();
      return nullptr;
    }
  }
  return std::make_unique<decompress_preprocessor>(algorithm, static_cast<size_t>(max_output));
}

} // namespace temblor::codecs
