#include "codecs/chain.hpp"

#include "codecs/null.hpp"
#include "runtime/core/event.hpp"

namespace temblor::codecs {

// -- decoder_chain ------------------------------------------------------------

decoder_chain::decoder_chain(std::unique_ptr<codec> c,
                             std::vector<std::unique_ptr<preprocessor>> pre)
  : codec_(std::move(c)), pre_(std::move(pre)), scratch_(pre_.size()) {
  // Tremor's null codec yields no event at all, which the codec interface
  // cannot say; the chain knows it instead.
  drops_ = dynamic_cast<null_codec*>(codec_.get()) != nullptr;
}

void decoder_chain::push_error(uint64_t ingest_ns, std::string msg, std::vector<decoded>& out) {
  decoded d;
  d.ok = false;
  d.ingest_ns = ingest_ns;
  d.error = std::move(msg);
  out.push_back(std::move(d));
}

void decoder_chain::run_codec(uint64_t ingest_ns, std::string_view data,
                              std::vector<decoded>& out) {
  if (drops_)
    return;
  out.emplace_back();
  decoded& d = out.back();
  d.ingest_ns = ingest_ns;
  bool ok = false;
  try {
    ok = codec_->decode(data, d.data, d.error);
  } catch (const std::exception& e) {
    d.error = e.what();
  }
  if (!ok) {
    d.ok = false;
    d.data = value{};
    if (d.error.empty())
      d.error = "the codec rejected the data";
  }
}

void decoder_chain::feed(size_t stage, uint64_t ingest_ns, std::string_view data,
                         std::vector<decoded>& out) {
  if (stage == pre_.size()) {
    run_codec(ingest_ns, data, out);
    return;
  }
  std::string err;
  bool ok = false;
  if (pre_[stage]->has_views()) {
    // Each chunk goes on down the chain while the preprocessor still holds
    // it: no copy per line.
    struct next_stage final : codecs::chunk_sink {
      decoder_chain& chain;
      size_t stage;
      uint64_t ingest_ns;
      std::vector<decoded>& out;
      next_stage(decoder_chain& c, size_t s, uint64_t ns, std::vector<decoded>& o)
        : chain(c), stage(s), ingest_ns(ns), out(o) {}
      void chunk(std::string_view data) override { chain.feed(stage, ingest_ns, data, out); }
    } next(*this, stage + 1, ingest_ns, out);
    try {
      ok = pre_[stage]->process_views(ingest_ns, data, next, err);
    } catch (const std::exception& e) {
      err = e.what();
    }
    if (!ok)
      push_error(ingest_ns, err, out);
    return;
  }
  auto& chunks = scratch_[stage];
  chunks.clear();
  try {
    ok = pre_[stage]->process(ingest_ns, data, chunks, err);
  } catch (const std::exception& e) {
    err = e.what();
  }
  // Later stages use their own scratch lists, so `chunks` stays intact while
  // they run.
  for (const auto& chunk : chunks)
    feed(stage + 1, ingest_ns, chunk, out);
  if (!ok)
    push_error(ingest_ns, err, out);
}

void decoder_chain::decode(uint64_t ingest_ns, std::string_view data, std::vector<decoded>& out) {
  last_ingest_ns_ = ingest_ns;
  feed(0, ingest_ns, data, out);
}

void decoder_chain::finish(std::vector<decoded>& out) {
  // Flush stage by stage: whatever stage i releases still passes through
  // stages i+1… before they are flushed themselves.
  for (size_t i = 0; i < pre_.size(); ++i) {
    std::vector<std::string> chunks;
    std::string err;
    bool ok = false;
    try {
      ok = pre_[i]->finish(chunks, err);
    } catch (const std::exception& e) {
      err = e.what();
    }
    for (const auto& chunk : chunks)
      feed(i + 1, last_ingest_ns_, chunk, out);
    if (!ok)
      push_error(last_ingest_ns_, err, out);
  }
}

// -- encoder_chain ------------------------------------------------------------

encoder_chain::encoder_chain(std::unique_ptr<codec> c,
                             std::vector<std::unique_ptr<postprocessor>> post)
  : codec_(std::move(c)), post_(std::move(post)), scratch_(post_.size()) {}

bool encoder_chain::feed(size_t stage, uint64_t ingest_ns, uint64_t egress_ns, std::string data,
                         std::vector<std::string>& frames, std::string& err) {
  if (stage == post_.size()) {
    frames.push_back(std::move(data));
    return true;
  }
  auto& chunks = scratch_[stage];
  chunks.clear();
  bool ok = false;
  try {
    ok = post_[stage]->process(ingest_ns, egress_ns, std::move(data), chunks, err);
  } catch (const std::exception& e) {
    err = e.what();
  }
  for (auto& chunk : chunks)
    ok = feed(stage + 1, ingest_ns, egress_ns, std::move(chunk), frames, err) && ok;
  return ok;
}

bool encoder_chain::encode(const value& v, uint64_t ingest_ns, std::vector<std::string>& frames,
                           std::string& err) {
  std::string buffer;
  // Frames leave the chain, so each encoding needs its own buffer; sizing it
  // like the last one, plus the writer's slack (it asks for room ahead of
  // each item) and a separator, avoids regrowing (copying) it.
  buffer.reserve(last_size_ + last_size_ / 8 + 320);
  bool ok = false;
  try {
    ok = codec_->encode(v, buffer, err);
  } catch (const std::exception& e) {
    err = e.what();
  }
  if (!ok)
    return false;
  last_size_ = buffer.size();
  uint64_t egress_ns = post_.empty() ? 0 : now_ns();
  size_t before = frames.size();
  if (feed(0, ingest_ns, egress_ns, std::move(buffer), frames, err))
    return true;
  // A failed event writes nothing, not a prefix of its frames.
  frames.resize(before);
  return false;
}

bool encoder_chain::finish(std::vector<std::string>& frames, std::string& err) {
  bool all_ok = true;
  uint64_t egress_ns = now_ns();
  for (size_t i = 0; i < post_.size(); ++i) {
    std::vector<std::string> chunks;
    bool ok = false;
    try {
      ok = post_[i]->finish(chunks, err);
    } catch (const std::exception& e) {
      err = e.what();
    }
    for (auto& chunk : chunks)
      ok = feed(i + 1, egress_ns, egress_ns, std::move(chunk), frames, err) && ok;
    all_ok = all_ok && ok;
  }
  return all_ok;
}

void encoder_chain::finish(std::vector<std::string>& frames) {
  std::string ignored;
  finish(frames, ignored);
}

// -- chain_spec ---------------------------------------------------------------

std::unique_ptr<decoder_chain> chain_spec::make_decoder(std::string& err) const {
  if (codec.is_null()) {
    err = "no codec given";
    return nullptr;
  }
  auto c = make_codec(codec, err);
  if (!c)
    return nullptr;
  std::vector<std::unique_ptr<preprocessor>> pre;
  if (!make_preprocessors(preprocessors, pre, err))
    return nullptr;
  return std::make_unique<decoder_chain>(std::move(c), std::move(pre));
}

std::unique_ptr<encoder_chain> chain_spec::make_encoder(std::string& err) const {
  if (codec.is_null()) {
    err = "no codec given";
    return nullptr;
  }
  auto c = make_codec(codec, err);
  if (!c)
    return nullptr;
  std::vector<std::unique_ptr<postprocessor>> post;
  if (!make_postprocessors(postprocessors, post, err))
    return nullptr;
  return std::make_unique<encoder_chain>(std::move(c), std::move(post));
}

std::unique_ptr<decoder_chain> chain_spec::make_decoder() const {
  std::string ignored;
  return make_decoder(ignored);
}

std::unique_ptr<encoder_chain> chain_spec::make_encoder() const {
  std::string ignored;
  return make_encoder(ignored);
}

bool chain_spec::validate(std::string& err) const {
  return make_decoder(err) != nullptr && make_encoder(err) != nullptr;
}

} // namespace temblor::codecs
