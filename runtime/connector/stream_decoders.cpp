#include "runtime/connector/stream_decoders.hpp"

namespace temblor {

codecs::decoder_chain* stream_decoders::get(uint64_t stream, std::string& err) {
  auto it = decoders_.find(stream);
  if (it == decoders_.end()) {
    auto decoder = codec_.make_decoder(err);
    if (!decoder)
      return nullptr;
    it = decoders_.emplace(stream, std::move(decoder)).first;
  }
  return it->second.get();
}

bool stream_decoders::finish(uint64_t stream, std::vector<codecs::decoded>& out) {
  auto it = decoders_.find(stream);
  if (it == decoders_.end())
    return false;
  it->second->finish(out);
  decoders_.erase(it);
  return true;
}

std::vector<uint64_t> stream_decoders::streams() const {
  std::vector<uint64_t> out;
  out.reserve(decoders_.size());
  for (const auto& [stream, decoder] : decoders_)
    out.push_back(stream);
  return out;
}

void stream_decoders::decode_ahead(std::vector<context_call>& calls, uint64_t now) {
  std::string err;
  for (auto& c : calls) {
    if (c.what == context_call::kind::bytes) {
      auto* decoder = get(c.stream, err);
      if (!decoder)
        continue;
      decoder->decode(now, c.text, c.decoded);
      c.decoded_ahead = true;
      c.byte_count = c.text.size();
      // Freed here, by the thread that allocated it.
      c.text = std::string{};
    } else if (c.what == context_call::kind::stream_end) {
      finish(c.stream, c.decoded);
      c.decoded_ahead = true;
    }
  }
}

} // namespace temblor
