#include "codecs/processors/base64.hpp"

#include <cstdint>

#include "codecs/config.hpp"

namespace temblor::codecs {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct reverse_table {
  int8_t v[256] = {};
  constexpr reverse_table() {
    for (auto& x : v)
      x = -1;
    for (int i = 0; i < 64; ++i)
      v[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  }
};
constexpr reverse_table reverse{};

} // namespace

void base64_encode(std::string_view in, std::string& out) {
  out.reserve(out.size() + (in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    char quad[4] = {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63],
                    alphabet[n & 63]};
    out.append(quad, 4);
  }
  size_t rest = in.size() - i;
  if (rest == 0)
    return;
  uint32_t n = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
  char quad[4] = {alphabet[n >> 18], alphabet[(n >> 12) & 63],
                  rest == 2 ? alphabet[(n >> 6) & 63] : '=', '='};
  out.append(quad, 4);
}

bool base64_decode(std::string_view in, std::string& out) {
  if (in.size() % 4 != 0)
    return false;
  out.reserve(out.size() + in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    bool last = i + 4 == in.size();
    int pad = 0;
    if (last) {
      pad = (in[i + 3] == '=') + (in[i + 3] == '=' && in[i + 2] == '=');
    }
    uint32_t n = 0;
    for (size_t k = 0; k < 4; ++k) {
      if (k >= 4 - static_cast<size_t>(pad)) {
        n <<= 6;
        continue;
      }
      int8_t d = reverse.v[static_cast<unsigned char>(in[i + k])];
      if (d < 0)
        return false;
      n = n << 6 | static_cast<uint32_t>(d);
    }
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2)
      out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1)
      out.push_back(static_cast<char>(n & 0xFF));
  }
  return true;
}

bool base64_preprocessor::process(uint64_t&, std::string_view data, std::vector<std::string>& out,
                                  std::string& err) {
  std::string decoded;
  if (!base64_decode(data, decoded)) {
    err = "base64: invalid base64 data";
    return false;
  }
  out.push_back(std::move(decoded));
  return true;
}

bool base64_postprocessor::process(uint64_t, uint64_t, std::string data,
                                   std::vector<std::string>& out, std::string&) {
  std::string encoded;
  base64_encode(data, encoded);
  out.push_back(std::move(encoded));
  return true;
}

std::unique_ptr<preprocessor> make_base64_preprocessor(const value& config, std::string& err) {
  if (!check_config_keys(config, "base64 preprocessor", {}, err))
    return nullptr;
  return std::make_unique<base64_preprocessor>();
}

std::unique_ptr<postprocessor> make_base64_postprocessor(const value& config, std::string& err) {
  if (!check_config_keys(config, "base64 postprocessor", {}, err))
    return nullptr;
  return std::make_unique<base64_postprocessor>();
}

} // namespace temblor::codecs
