#pragma once

// `ingest-ns`: carries an event's ingest time as a u64 big-endian prefix
// (the postprocessor adds it, the preprocessor strips it back into the event).

#include <memory>
#include <string>

#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

class ingest_ns_preprocessor final : public preprocessor {
public:
  /// Fails on chunks shorter than the 8-byte prefix.
  bool process(uint64_t& ingest_ns, std::string_view data, std::vector<std::string>& out,
               std::string& err) override;
};

class ingest_ns_postprocessor final : public postprocessor {
public:
  bool process(uint64_t ingest_ns, uint64_t egress_ns, std::string data,
               std::vector<std::string>& out, std::string& err) override;
};

std::unique_ptr<preprocessor> make_ingest_ns_preprocessor(const value& config, std::string& err);
std::unique_ptr<postprocessor> make_ingest_ns_postprocessor(const value& config, std::string& err);

} // namespace temblor::codecs
