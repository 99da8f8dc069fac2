#include "codecs/processors/compress.hpp"

#include "codecs/config.hpp"

namespace temblor::codecs {

bool compress_postprocessor::process(uint64_t, uint64_t, std::string data,
                                     std::vector<std::string>& out, std::string& err) {
  std::string packed;
  if (!compress(algorithm_, level_, data, packed, err)) {
    err = "compress: " + err;
    return false;
  }
  out.push_back(std::move(packed));
  return true;
}

std::unique_ptr<postprocessor> make_compress_postprocessor(const value& config, std::string& err) {
  constexpr std::string_view owner = "compress postprocessor";
  if (!check_config_keys(config, owner, {"algorithm", "level"}, err))
    return nullptr;
  std::string name;
  if (!read_string(config, "algorithm", owner, name, err))
    return nullptr;
  if (name.empty()) {
    err = "the " + std::string(owner) + " needs a config with `algorithm`; available: "
          + available_compressions();
    return nullptr;
  }
  auto algorithm = compression_from_name(name);
  if (!algorithm || !compression_available(*algorithm)) {
    err = "`algorithm` in the " + std::string(owner) + " config: unknown or unsupported `" + name
          + "`; available: " + available_compressions();
    return nullptr;
  }
  std::optional<int> level;
  if (const value* l = config.get("level")) {
    int64_t n = 0;
    if (!l->get_i64(n) || n < -131072 || n > 22) {
      err = "`level` in the " + std::string(owner) + " config must be an integer level for "
            + name;
      return nullptr;
    }
    level = static_cast<int>(n);
  }
  // Try the level once now, so a bad one fails the deployment, not each event.
  std::string probe, why;
  if (!compress(*algorithm, level, "probe", probe, why)) {
    err = "`level` in the " + std::string(owner) + " config: " + why;
    return nullptr;
  }
  return std::make_unique<compress_postprocessor>(*algorithm, level);
}

} // namespace temblor::codecs
