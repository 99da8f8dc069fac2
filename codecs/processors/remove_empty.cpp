#include "codecs/processors/remove_empty.hpp"

#include "codecs/config.hpp"

namespace temblor::codecs {

bool remove_empty_preprocessor::process(uint64_t&, std::string_view data,
                                        std::vector<std::string>& out, std::string&) {
  if (!data.empty())
    out.emplace_back(data);
  return true;
}

std::unique_ptr<preprocessor> make_remove_empty_preprocessor(const value& config, std::string& err) {
  if (!check_config_keys(config, "remove-empty preprocessor", {}, err))
    return nullptr;
  return std::make_unique<remove_empty_preprocessor>();
}

} // namespace temblor::codecs
