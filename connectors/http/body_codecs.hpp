#pragma once

// Decodes and encodes bodies with the codec a mime mapping picks. Codecs
// keep state and are not thread-safe, so each thread that touches bodies
// (the event loop decoding requests, the actor encoding replies) has its
// own body_codecs; codec instances are made on first use and kept.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/codec.hpp"
#include "connectors/http/mime_mapping.hpp"

namespace temblor::connectors::http {

class body_codecs {
public:
  explicit body_codecs(std::shared_ptr<const mime_mapping> mapping);

  const mime_mapping& mapping() const { return *mapping_; }

  /// Decodes a whole body with entry `i`; an empty body is null without
  /// asking the codec (Tremor's empty request).
  bool decode(size_t i, std::string_view body, value& out, std::string& err);
  /// Appends the encoding of `v` by entry `i` to `out`.
  bool encode(size_t i, const value& v, std::string& out, std::string& err);

private:
  codecs::codec* get(size_t i, std::string& err);

  std::shared_ptr<const mime_mapping> mapping_;
  std::vector<std::unique_ptr<codecs::codec>> codecs_;
};

} // namespace temblor::connectors::http
