#include "codecs/processors/ingest_ns.hpp"

#include "codecs/config.hpp"

namespace temblor::codecs {

bool ingest_ns_preprocessor::process(uint64_t& ingest_ns, std::string_view data,
                                     std::vector<std::string>& out, std::string& err) {
  if (data.size() < 8) {
    err = "ingest-ns: a chunk of " + std::to_string(data.size())
          + " bytes is too short for the 8-byte timestamp prefix";
    return false;
  }
  uint64_t ts = 0;
  for (size_t i = 0; i < 8; ++i)
    ts = ts << 8 | static_cast<unsigned char>(data[i]);
  ingest_ns = ts;
  out.emplace_back(data.substr(8));
  return true;
}

bool ingest_ns_postprocessor::process(uint64_t ingest_ns, uint64_t, std::string data,
                                      std::vector<std::string>& out, std::string&) {
  std::string framed;
  framed.reserve(8 + data.size());
  for (size_t i = 8; i-- > 0;)
    framed.push_back(static_cast<char>((ingest_ns >> (8 * i)) & 0xFF));
  framed += data;
  out.push_back(std::move(framed));
  return true;
}

std::unique_ptr<preprocessor> make_ingest_ns_preprocessor(const value& config, std::string& err) {
  if (!check_config_keys(config, "ingest-ns preprocessor", {}, err))
    return nullptr;
  return std::make_unique<ingest_ns_preprocessor>();
}

std::unique_ptr<postprocessor> make_ingest_ns_postprocessor(const value& config, std::string& err) {
  if (!check_config_keys(config, "ingest-ns postprocessor", {}, err))
    return nullptr;
  return std::make_unique<ingest_ns_postprocessor>();
}

} // namespace temblor::codecs
