#include "codecs/processors/decompress.hpp"

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
  if (!decompress(*algorithm, data, plain, err)) {
    err = "decompress: " + err;
    return false;
  }
  out.push_back(std::move(plain));
  return true;
}

std::unique_ptr<preprocessor> make_decompress_preprocessor(const value& config, std::string& err) {
  constexpr std::string_view owner = "decompress preprocessor";
  if (!check_config_keys(config, owner, {"algorithm"}, err))
    return nullptr;
  std::string name = "autodetect";
  if (!read_string(config, "algorithm", owner, name, err))
    return nullptr;
  if (name == "autodetect")
    return std::make_unique<decompress_preprocessor>(std::nullopt);
  auto algorithm = compression_from_name(name);
  if (!algorithm || !compression_available(*algorithm)) {
    err = "`algorithm` in the " + std::string(owner) + " config: unknown or unsupported `" + name
          + "`; available: autodetect, " + available_compressions();
    return nullptr;
  }
  return std::make_unique<decompress_preprocessor>(algorithm);
}

} // namespace temblor::codecs
