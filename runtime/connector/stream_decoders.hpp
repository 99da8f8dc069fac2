#pragma once

// A source's decoders: one chain (preprocessors and codec) per stream, made
// on first use. Shared, so that a blocking pull can decode what it read on
// the pool's thread (blocking_pull); the source machine and a pull never use
// it at the same time: a pull owns it while it holds the context queue.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "codecs/chain.hpp"
#include "runtime/connector/context_queue.hpp"

namespace temblor {

class stream_decoders {
public:
  explicit stream_decoders(codecs::chain_spec codec) : codec_(std::move(codec)) {}

  /// Returns the decoder of `stream`, made now if it is new; null with `err`
  /// when the codec cannot be built.
  codecs::decoder_chain* get(uint64_t stream, std::string& err);
  /// Ends `stream`: what its decoder still held goes to `out` and the decoder
  /// is dropped. False when the stream had none.
  bool finish(uint64_t stream, std::vector<codecs::decoded>& out);
  /// The streams that have a decoder.
  std::vector<uint64_t> streams() const;

  /// Decodes, in place and in order, the bytes and stream ends among `calls`
  /// (marking them `decoded_ahead`); leaves a call alone when its codec
  /// cannot be built, so the source machine reports that.
  void decode_ahead(std::vector<context_call>& calls, uint64_t now);

private:
  codecs::chain_spec codec_;
  std::map<uint64_t, std::unique_ptr<codecs::decoder_chain>> decoders_;
};

} // namespace temblor
